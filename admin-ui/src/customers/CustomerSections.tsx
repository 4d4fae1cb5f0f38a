import {
  Box,
  Divider,
  Link as MuiLink,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  type Theme,
  Typography,
  useMediaQuery,
} from '@mui/material'
import { Fragment, type ReactNode } from 'react'
import { useLocale, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { TitledCard } from '../layout/TitledCard'
import { DaysLeft } from '../requests/DaysLeft'
import type { RequestStatus } from '../requests/types'
import type { CustomerRecord } from './types'

const MASKED = '••••'

/**
 * A titled card holding a small table; an empty one says so rather than showing nothing. On a phone each row is a short
 * list of label and value instead, so that nothing is squeezed into a column a character wide.
 */
export function Section<T>({ title, rows, columns }: { title: string; rows: T[]; columns: [string, (row: T) => ReactNode][] }) {
  const translate = useTranslate()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  return (
    <TitledCard title={title}>
      {rows.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {translate('verity.customer.none')}
        </Typography>
      ) : small ? (
        <Stack divider={<Divider flexItem />} spacing={1}>
          {rows.map((row, i) => (
            <Box
              key={i}
              component="dl"
              sx={{ m: 0, display: 'grid', gridTemplateColumns: 'minmax(5em, auto) 1fr', columnGap: 1.5, rowGap: 0.25 }}
            >
              {columns.map(([label, cell]) => (
                <Fragment key={label}>
                  <Typography component="dt" variant="body2" color="text.secondary">
                    {translate(label)}
                  </Typography>
                  <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
                    {cell(row) ?? MASKED}
                  </Typography>
                </Fragment>
              ))}
            </Box>
          ))}
        </Stack>
      ) : (
        // On a phone a wide table scrolls inside its card instead of widening the page (width 0 keeps it out of the
        // page's own width; min-width gives it the card's). A keyboard reaches the scrolling box too, by the card's title.
        <Box sx={{ overflowX: 'auto', width: 0, minWidth: '100%' }} tabIndex={0} role="region" aria-label={translate(title)}>
          <Table size="small">
            <TableHead>
              <TableRow>
                {columns.map(([label]) => (
                  <TableCell key={label}>{translate(label)}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((row, i) => (
                <TableRow key={i}>
                  {columns.map(([label, cell]) => (
                    <TableCell key={label}>{cell(row) ?? MASKED}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </TitledCard>
  )
}

export function useFormats() {
  const locale = useLocale()
  const translate = useTranslate()
  return {
    date: (iso: string | null | undefined) =>
      iso ? new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).toLocaleDateString(locale, { timeZone: 'UTC' }) : null,
    time: (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(locale) : null),
    /** the time of day in the console's language: 2:37 PM, 14:37 */
    clock: (iso: string) => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso)),
    month: (yearMonth: string | null | undefined) =>
      yearMonth
        ? new Date(`${yearMonth}-01T00:00:00Z`).toLocaleDateString(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' })
        : null,
    money: (cents: number, currency: string) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100),
    status: (group: string, value: string) => translate(`verity.${group}.${value}`, { _: value }),
  }
}

const f = (prefix: string) => (key: string) => `verity.customer.${prefix}.${key}`

/** An open request as the record lists it, with its due date and days left. */
type OpenRequest = { id: number; type: string; status: RequestStatus; created_at: string; due_at: string | null }

export function CustomerSections({ record }: { record: CustomerRecord }) {
  const fmt = useFormats()
  const translate = useTranslate()
  const a = f('address')
  const o = f('order')
  const l = f('log')
  const v = f('verification')
  return (
    <>
      <Section
        title="verity.customer.addresses"
        rows={record.addresses}
        columns={[
          [a('label'), (r) => `${r.label ?? ''}${r.is_default ? ' ★' : ''}`],
          [a('recipient'), (r) => r.recipient_name],
          [a('street'), (r) => (r.line1 === undefined ? null : [r.line1, r.line2].filter(Boolean).join(', '))],
          [a('city'), (r) => [r.city, r.region].filter(Boolean).join(', ')],
          [a('postal_code'), (r) => r.postal_code],
          [a('country'), (r) => r.country],
        ]}
      />
      <Section
        title="verity.customer.payment_methods"
        rows={record.payment_methods}
        columns={[
          [f('card')('brand'), (r) => r.brand.toUpperCase()],
          [f('card')('number'), (r) => (r.last4 ? `•••• ${r.last4}` : null)],
          [f('card')('expires'), (r) => (r.exp_month ? `${String(r.exp_month).padStart(2, '0')}/${r.exp_year}` : null)],
        ]}
      />
      <Section
        title="verity.customer.orders"
        rows={record.orders}
        columns={[
          [o('number'), (r) => r.number],
          [o('placed_at'), (r) => (r.placed_at ? fmt.date(r.placed_at) : fmt.month(r.placed_month))],
          [o('status'), (r) => fmt.status('order', r.status)],
          [o('total'), (r) => fmt.money(r.total_cents, r.currency)],
        ]}
      />
      <Section
        title="verity.customer.access_logs"
        rows={record.access_logs}
        columns={[
          [l('at'), (r) => (r.ip === undefined ? fmt.date(r.at) : fmt.time(r.at))],
          [l('ip'), (r) => r.ip],
          [l('device'), (r) => [r.os, r.browser].filter(Boolean).join(' · ')],
        ]}
      />
      <Section
        title="verity.customer.verifications"
        rows={record.verifications}
        columns={[
          [v('at'), (r) => fmt.time(r.created_at)],
          [v('staff'), (r) => r.staff_name],
          [v('channel'), (r) => fmt.status('channel', r.channel)],
          [v('status'), (r) => fmt.status('verification_status', r.status)],
        ]}
      />
      <Section
        title="verity.customer.open_requests"
        rows={record.open_requests as OpenRequest[]}
        columns={[
          [
            f('request')('type'),
            (r) => (
              <MuiLink component={Link} to={`/requests/${r.id}/show`}>
                {translate(`verity.requests.title.${r.type}`, { id: r.id })}
              </MuiLink>
            ),
          ],
          [f('request')('at'), (r) => fmt.date(r.created_at)],
          [
            'resources.requests.fields.due_at',
            (r) => (
              <>
                {fmt.date(r.due_at)} <DaysLeft request={r} />
              </>
            ),
          ],
        ]}
      />
      {record.break_glass.length > 0 && (
        <Section
          title="verity.customer.break_glass"
          rows={record.break_glass}
          columns={[
            [f('grant')('at'), (r) => fmt.time(r.created_at)],
            [f('grant')('staff'), (r) => r.staff_name],
            [f('grant')('reason'), (r) => r.reason],
          ]}
        />
      )}
    </>
  )
}
