import {
  Alert,
  Box,
  Card,
  CardContent,
  Chip,
  Grid,
  Link as MuiLink,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Loading, Title, useCanAccess, useDataProvider, useNotify, useTranslate } from 'react-admin'
import { Link, useParams } from 'react-router-dom'
import { Section, useFormats } from '../customers/CustomerSections'
import type { VerityDataProvider } from '../dataProvider'
import { AttachmentsCard } from '../layout/AttachmentsCard'
import { TextPromptButton } from '../layout/TextPromptButton'
import { TitledCard } from '../layout/TitledCard'
import { useApiQuery } from '../useApiQuery'
import { ApproveButton } from './ApproveButton'
import { ChangesTable, changeLabel } from './ChangesTable'
import { DaysLeft, RequestStatusChip } from './DaysLeft'
import type { Recipient, RequestAction, RequestRecord, RequestResult } from './types'

function Item({ label, children }: { label: string; children: ReactNode }) {
  const translate = useTranslate()
  return (
    <Grid size={{ xs: 12, sm: 6, md: 4 }}>
      <Typography variant="caption" color="text.secondary">
        {translate(`resources.requests.fields.${label}`)}
      </Typography>
      <Typography component="div">{children ?? '—'}</Typography>
    </Grid>
  )
}

/** A step that needs a written reason: rejecting (the customer is sent it), extending, withdrawing. */
function ReasonButton({ action, onSubmit }: { action: Exclude<RequestAction, 'approve'>; onSubmit: (reason: string) => Promise<void> }) {
  return (
    <TextPromptButton
      label={`verity.requests.${action}`}
      help={`verity.requests.${action}_help`}
      fieldLabel="verity.requests.reason"
      confirmLabel={`verity.requests.${action}`}
      field="reason"
      multiline
      variant="outlined"
      color={action === 'reject' ? 'error' : undefined}
      onSubmit={onSubmit}
    />
  )
}

/** Row counts per table, named as a person would name them. */
function CountTable({ title, counts }: { title: string; counts: Record<string, number> }) {
  const translate = useTranslate()
  return (
    <Box>
      <Typography variant="subtitle2">{translate(title)}</Typography>
      <Table size="small">
        <TableBody>
          {Object.entries(counts).map(([table, n]) => (
            <TableRow key={table}>
              <TableCell>{translate(`verity.requests.tables.${table}`, { _: table })}</TableCell>
              <TableCell align="right">{translate('verity.requests.rows', { smart_count: n })}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  )
}

/** What completing the request did: the fields changed, the erasure certificate in counts, or the export's expiry. */
function Outcome({ result }: { result: RequestResult }) {
  const translate = useTranslate()
  const fmt = useFormats()
  return (
    <TitledCard title="verity.requests.result">
      <Stack spacing={2}>
        {result.fields && (
          <Box>
            <Typography variant="subtitle2">{translate('verity.requests.fields_changed')}</Typography>
            <Typography>{result.fields.map((f) => changeLabel(translate, f)).join(', ')}</Typography>
          </Box>
        )}
        {result.certificate && (
          <>
            <Typography variant="body2">{translate('verity.requests.certificate')}</Typography>
            <Grid container spacing={2}>
              <Grid size={{ xs: 12, md: 6 }}>
                <CountTable title="verity.requests.deleted" counts={result.certificate.deleted} />
              </Grid>
              <Grid size={{ xs: 12, md: 6 }}>
                <CountTable title="verity.requests.anonymised" counts={result.certificate.anonymised} />
              </Grid>
            </Grid>
            <Box>
              <Typography variant="subtitle2">{translate('verity.requests.kept')}</Typography>
              <Box component="ul" sx={{ my: 0.5, pl: 3 }}>
                {result.certificate.kept.map((k) => (
                  <Typography component="li" variant="body2" key={k}>
                    {translate(`verity.requests.kept_items.${k}`, { _: k })}
                  </Typography>
                ))}
              </Box>
            </Box>
          </>
        )}
        {result.export && <Typography>{translate('verity.requests.export_sent', { date: fmt.time(result.export.expires_at) })}</Typography>}
      </Stack>
    </TitledCard>
  )
}

/** The disclosures whose recipients received this customer's data and must be told of the correction or erasure. */
function Recipients({ recipients }: { recipients: Recipient[] }) {
  const translate = useTranslate()
  const fmt = useFormats()
  const { canAccess } = useCanAccess({ resource: 'disclosures', action: 'show' })
  return (
    <TitledCard title="verity.requests.recipients">
      {recipients.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {translate('verity.requests.recipients_none')}
        </Typography>
      ) : (
        <>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {translate('verity.requests.recipients_help')}
          </Typography>
          <Table size="small">
            <TableBody>
              {recipients.map((d) => (
                <TableRow key={d.id}>
                  <TableCell>
                    {canAccess ? (
                      <MuiLink component={Link} to={`/disclosures/${d.id}/show`}>
                        {d.authority}
                      </MuiLink>
                    ) : (
                      d.authority
                    )}
                  </TableCell>
                  <TableCell>{d.caseNumber}</TableCell>
                  <TableCell>{fmt.date(d.disclosedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </TitledCard>
  )
}

/** One request: its facts, what it asks, what came of it, every step so far, and the steps this user may take now. */
export default function RequestShow() {
  const { id } = useParams()
  const translate = useTranslate()
  const notify = useNotify()
  const fmt = useFormats()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const queryClient = useQueryClient()
  const key = ['request-record', id]
  const { data: r, isPending, error } = useApiQuery<RequestRecord>(key, `requests/${id}`, { staleTime: 0 })

  const act = async (action: RequestAction, body?: unknown) => {
    const updated = await dataProvider.post<RequestRecord>(`requests/${id}/${action}`, body)
    queryClient.setQueryData(key, updated)
    void queryClient.invalidateQueries({ queryKey: ['requests'] })
    void queryClient.invalidateQueries({ queryKey: ['customer-record', String(updated.customer_id)] })
    notify(`verity.requests.done.${action}`, { type: 'success' })
  }
  const upload = async (file: File) => {
    await dataProvider.upload(`requests/${id}/attachments`, file)
    await queryClient.invalidateQueries({ queryKey: key })
  }

  if (isPending) return <Loading />
  if (error || !r) return <Alert severity="error">{(error as Error)?.message}</Alert>
  const title = translate(`verity.requests.title.${r.type}`, { id: r.id })
  const can = (a: RequestAction) => r.actions.includes(a)

  return (
    <Box sx={{ mt: 2, maxWidth: 1100 }}>
      <Title title={title} />
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Stack direction="row" justifyContent="space-between" alignItems="center" flexWrap="wrap" rowGap={1.5} columnGap={2}>
            <Stack direction="row" spacing={1.5} alignItems="center" flexWrap="wrap" rowGap={1}>
              <Typography variant="h5" component="h1">
                {title}
              </Typography>
              <RequestStatusChip status={r.status} />
            </Stack>
            {r.actions.length > 0 && (
              <Stack direction="row" spacing={1} flexWrap="wrap" rowGap={1}>
                {can('approve') && <ApproveButton request={r} onApprove={() => act('approve')} />}
                {can('reject') && <ReasonButton action="reject" onSubmit={(reason) => act('reject', { reason })} />}
                {can('extend') && <ReasonButton action="extend" onSubmit={(reason) => act('extend', { reason })} />}
                {can('cancel') && <ReasonButton action="cancel" onSubmit={(reason) => act('cancel', { reason })} />}
              </Stack>
            )}
          </Stack>
          {r.overdue && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {translate('verity.requests.overdue_alert')}
            </Alert>
          )}
          {r.status === 'pending' && !can('approve') && (
            <Alert severity="info" sx={{ mt: 2 }}>
              {translate('verity.requests.four_eyes')}
            </Alert>
          )}
          <Grid container spacing={2} sx={{ mt: 1 }}>
            <Item label="customer_name">
              <MuiLink component={Link} to={`/customers/${r.customer_id}/show`}>
                #{r.customer_id} {r.customer_name}
              </MuiLink>{' '}
              {r.customer_status === 'erased' && <Chip size="small" label={translate('verity.customer.status.erased')} sx={{ ml: 0.5 }} />}
            </Item>
            <Item label="caller">
              {translate(`verity.requests.callers.${r.caller}`)}
              {r.caller_name ? `: ${r.caller_name}` : ''}
            </Item>
            <Item label="channel">{translate(`verity.requests.channels.${r.channel}`, { _: r.channel })}</Item>
            <Item label="created_at">{`${fmt.time(r.created_at)} · ${r.filed_by_name}`}</Item>
            <Item label="due_at">
              {fmt.date(r.due_at)} <DaysLeft request={r} />
            </Item>
            {r.verification_id !== null && <Item label="verification_id">#{r.verification_id}</Item>}
            {r.extended_at && <Item label="extension_reason">{`${fmt.date(r.extended_at)}: ${r.extension_reason ?? ''}`}</Item>}
            {r.decided_at && <Item label="decided_by_name">{`${r.decided_by_name ?? '—'} · ${fmt.time(r.decided_at)}`}</Item>}
            {r.decision_note && <Item label="decision_note">{r.decision_note}</Item>}
          </Grid>
        </CardContent>
      </Card>
      <Stack spacing={2}>
        {r.type === 'edit' && (
          <TitledCard title="verity.requests.changes">
            {r.changes ? (
              <ChangesTable changes={r.changes} />
            ) : (
              <Typography variant="body2" color="text.secondary">
                {translate('verity.requests.changes_cleared')}
              </Typography>
            )}
          </TitledCard>
        )}
        <AttachmentsCard
          title="verity.requests.attachments"
          files={r.attachments}
          href={(a) => `/api/requests/${r.id}/attachments/${a.id}`}
          onAttach={r.status === 'pending' ? upload : undefined}
        />
        {r.result && <Outcome result={r.result} />}
        {r.result?.recipients && <Recipients recipients={r.result.recipients} />}
        <Section
          title="verity.requests.timeline"
          rows={r.timeline}
          columns={[
            ['verity.requests.timeline_at', (t) => fmt.time(t.at)],
            ['verity.requests.timeline_step', (t) => translate(`verity.requests.steps.${t.action.replace('.', '_')}`, { _: t.action })],
            ['verity.requests.timeline_by', (t) => t.staff_name ?? '—'],
          ]}
        />
      </Stack>
    </Box>
  )
}
