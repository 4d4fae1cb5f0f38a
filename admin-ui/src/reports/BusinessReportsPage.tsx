import {
  Alert,
  Box,
  Card,
  CardContent,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  useTheme,
} from '@mui/material'
import { type ReactNode, useState } from 'react'
import { Loading, Title, useLocale, useTranslate } from 'react-admin'
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useApiQuery } from '../useApiQuery'
import { PeriodFields, usePeriod } from './Period'

const COMMERCE_BY = ['month', 'country', 'region', 'month,country'] as const
type CommerceBy = (typeof COMMERCE_BY)[number]
type Dim = 'month' | 'country' | 'region'
const DIMS: Record<CommerceBy, Dim[]> = {
  month: ['month'],
  country: ['country'],
  region: ['country', 'region'],
  'month,country': ['month', 'country'],
}

interface CommerceRow extends Partial<Record<Dim, string>> {
  currency: string
  orders: number | null
  revenue_cents: number | null
  average_cents: number | null
  suppressed: boolean
}
interface Commerce {
  k: number
  by: CommerceBy
  rows: CommerceRow[]
}
interface Buyers {
  k: number
  rows: { month: string; new: number | null; returning: number | null; suppressed: boolean }[]
}
interface Operations {
  verifications: { completed: number; verified: number; pass_rate_percent: number | null }
  requests: {
    by_type_and_status: { type: string; status: string; count: number }[]
    completed: number
    on_time_percent: number | null
    median_hours_to_complete: number | null
  }
  disclosures: { band_below: number; by_type_and_half_year: { period: string; type: string; requests: string }[] }
}

function Section({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  return (
    <Card sx={{ mb: 2 }}>
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {title}
        </Typography>
        {note ? (
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {note}
          </Typography>
        ) : null}
        {children}
      </CardContent>
    </Card>
  )
}

function Pending({ error }: { error: unknown }) {
  return error ? <Alert severity="error">{(error as Error).message}</Alert> : <Loading />
}

/**
 * Sales, buyers and the team's work for managers: orders, revenue and average order value by month, country or region
 * (per currency, never added across currencies), new and returning buyers, and operations figures. The server hides
 * cells with fewer than k customers or one customer bringing most of the revenue.
 */
export default function BusinessReportsPage() {
  const translate = useTranslate()
  const locale = useLocale()
  const theme = useTheme()
  const t = (key: string, options?: object) => translate(`verity.business_reports.${key}`, options)
  const [by, setBy] = useState<CommerceBy>('month')
  const [currency, setCurrency] = useState('')
  // Last calendar year to start with: all time by month is a long table; the dates open any whole period.
  const lastYear = new Date().getUTCFullYear() - 1
  const period = usePeriod({ from: `${lastYear}-01-01`, to: `${lastYear}-12-31` })
  const { range } = period
  const withBy = (b: CommerceBy) => new URLSearchParams({ by: b, ...Object.fromEntries(range) })
  const commerce = useApiQuery<Commerce>(['commerce', withBy(by).toString()], `reports/commerce?${withBy(by)}`)
  const monthly = useApiQuery<Commerce>(['commerce', withBy('month').toString()], `reports/commerce?${withBy('month')}`)
  const buyers = useApiQuery<Buyers>(['buyers', range.toString()], `reports/buyers?${range}`)
  const operations = useApiQuery<Operations>(['operations', range.toString()], `reports/operations?${range}`)

  const money = (cents: number | null, code: string) =>
    cents === null ? null : new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(cents / 100)
  const count = (n: number | null) => (n === null ? <em>{t('suppressed')}</em> : n.toLocaleString(locale))
  const percent = (n: number | null) => (n === null ? t('not_applicable') : `${n.toLocaleString(locale)} %`)
  const currencies = [...new Set((monthly.data?.rows ?? []).map((r) => r.currency))].sort()
  // Until one is chosen, the chart shows the currency with the most revenue shown, not the first by name.
  const shownRevenue = (code: string) =>
    (monthly.data?.rows ?? []).filter((r) => r.currency === code).reduce((sum, r) => sum + (r.revenue_cents ?? 0), 0)
  const busiest = [...currencies].sort((a, b) => shownRevenue(b) - shownRevenue(a))[0] ?? ''
  const chartCurrency = currencies.includes(currency) ? currency : busiest
  const chartRows = (monthly.data?.rows ?? [])
    .filter((r) => r.currency === chartCurrency)
    .map((r) => ({ month: r.month, revenue: r.revenue_cents === null ? null : r.revenue_cents / 100 }))

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={t('title')} />
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
        <PeriodFields period={period} fromLabel="verity.business_reports.from" toLabel="verity.business_reports.to" />
      </Stack>

      <Section title={t('commerce.title')} note={commerce.data ? t('commerce.k_note', { k: commerce.data.k }) : undefined}>
        <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
          <FormControl size="small" sx={{ minWidth: 200 }}>
            <InputLabel id="commerce-by">{t('commerce.by')}</InputLabel>
            <Select labelId="commerce-by" label={t('commerce.by')} value={by} onChange={(e) => setBy(e.target.value as CommerceBy)}>
              {COMMERCE_BY.map((b) => (
                <MenuItem key={b} value={b}>
                  {t(`commerce.by_options.${b}`)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl size="small" sx={{ minWidth: 160 }} disabled={!currencies.length}>
            <InputLabel id="chart-currency">{t('commerce.chart_currency')}</InputLabel>
            <Select
              labelId="chart-currency"
              label={t('commerce.chart_currency')}
              value={chartCurrency}
              onChange={(e) => setCurrency(e.target.value)}
            >
              {currencies.map((c) => (
                <MenuItem key={c} value={c}>
                  {c}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
        {monthly.data && chartRows.length ? (
          <ResponsiveContainer width="100%" height={300}>
            <BarChart data={chartRows} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
              <XAxis dataKey="month" tick={{ fontSize: 12, fill: theme.palette.text.secondary }} />
              <YAxis tick={{ fill: theme.palette.text.secondary }} />
              <Tooltip contentStyle={{ background: theme.palette.background.paper, border: `1px solid ${theme.palette.divider}` }} />
              <Bar
                dataKey="revenue"
                name={t('commerce.chart_revenue', { currency: chartCurrency })}
                fill={theme.palette.primary.main}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        ) : null}
        {!commerce.data ? (
          <Pending error={commerce.error} />
        ) : commerce.data.rows.length === 0 ? (
          <Typography>{t('empty')}</Typography>
        ) : (
          <Table size="small" sx={{ mt: 2 }}>
            <TableHead>
              <TableRow>
                {DIMS[commerce.data.by].map((d) => (
                  <TableCell key={d}>{t(`commerce.dimensions.${d}`)}</TableCell>
                ))}
                <TableCell>{t('commerce.currency')}</TableCell>
                <TableCell align="right">{t('commerce.orders')}</TableCell>
                <TableCell align="right">{t('commerce.revenue')}</TableCell>
                <TableCell align="right">{t('commerce.average')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {commerce.data.rows.map((r) => (
                <TableRow key={[...DIMS[commerce.data.by].map((d) => r[d]), r.currency].join('|')}>
                  {DIMS[commerce.data.by].map((d) => (
                    <TableCell key={d}>{r[d]}</TableCell>
                  ))}
                  <TableCell>{r.currency}</TableCell>
                  <TableCell align="right">{count(r.orders)}</TableCell>
                  <TableCell align="right">{r.suppressed ? <em>{t('suppressed')}</em> : money(r.revenue_cents, r.currency)}</TableCell>
                  <TableCell align="right">{r.suppressed ? <em>{t('suppressed')}</em> : money(r.average_cents, r.currency)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

      <Section title={t('buyers.title')} note={buyers.data ? t('buyers.note', { k: buyers.data.k }) : undefined}>
        {!buyers.data ? (
          <Pending error={buyers.error} />
        ) : buyers.data.rows.length === 0 ? (
          <Typography>{t('empty')}</Typography>
        ) : (
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>{t('commerce.dimensions.month')}</TableCell>
                <TableCell align="right">{t('buyers.new')}</TableCell>
                <TableCell align="right">{t('buyers.returning')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {buyers.data.rows.map((r) => (
                <TableRow key={r.month}>
                  <TableCell>{r.month}</TableCell>
                  <TableCell align="right">{count(r.new)}</TableCell>
                  <TableCell align="right">{count(r.returning)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

      <Section title={t('operations.title')}>
        {!operations.data ? (
          <Pending error={operations.error} />
        ) : (
          <>
            <Table size="small" sx={{ mb: 2 }}>
              <TableBody>
                <TableRow>
                  <TableCell>{t('operations.pass_rate')}</TableCell>
                  <TableCell align="right">
                    {percent(operations.data.verifications.pass_rate_percent)}{' '}
                    {t('operations.of_completed', { n: operations.data.verifications.completed })}
                  </TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>{t('operations.on_time')}</TableCell>
                  <TableCell align="right">
                    {percent(operations.data.requests.on_time_percent)}{' '}
                    {t('operations.of_completed', { n: operations.data.requests.completed })}
                  </TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>{t('operations.median_hours')}</TableCell>
                  <TableCell align="right">
                    {operations.data.requests.median_hours_to_complete === null
                      ? t('not_applicable')
                      : t('operations.hours', { n: operations.data.requests.median_hours_to_complete.toLocaleString(locale) })}
                  </TableCell>
                </TableRow>
              </TableBody>
            </Table>
            <Typography variant="subtitle1">{t('operations.requests')}</Typography>
            <Table size="small" sx={{ mb: 2 }}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('operations.type')}</TableCell>
                  <TableCell>{t('operations.status')}</TableCell>
                  <TableCell align="right">{t('operations.count')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {operations.data.requests.by_type_and_status.map((r) => (
                  <TableRow key={`${r.type}|${r.status}`}>
                    <TableCell>{t(`operations.request_types.${r.type}`, { _: r.type })}</TableCell>
                    <TableCell>{t(`operations.request_statuses.${r.status}`, { _: r.status })}</TableCell>
                    <TableCell align="right">{r.count.toLocaleString(locale)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="subtitle1">{t('operations.disclosures')}</Typography>
            <Typography variant="body2" color="text.secondary" gutterBottom>
              {t('operations.band_note', { n: operations.data.disclosures.band_below })}
            </Typography>
            {operations.data.disclosures.by_type_and_half_year.length === 0 ? (
              <Typography>{t('empty')}</Typography>
            ) : (
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('operations.half_year')}</TableCell>
                    <TableCell>{t('operations.type')}</TableCell>
                    <TableCell align="right">{t('operations.count')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {operations.data.disclosures.by_type_and_half_year.map((r) => (
                    <TableRow key={`${r.period}|${r.type}`}>
                      <TableCell>{r.period}</TableCell>
                      <TableCell>{t(`operations.disclosure_types.${r.type}`, { _: r.type })}</TableCell>
                      <TableCell align="right">{r.requests}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </>
        )}
      </Section>
    </Box>
  )
}
