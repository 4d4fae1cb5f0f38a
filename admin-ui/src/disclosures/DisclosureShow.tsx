import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Grid,
  Link as MuiLink,
  List,
  ListItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Loading, Title, useDataProvider, useNotify, useTranslate } from 'react-admin'
import { Link, useParams } from 'react-router-dom'
import { useFormats } from '../customers/CustomerSections'
import type { VerityDataProvider } from '../dataProvider'
import { useApiQuery } from '../useApiQuery'
import { TextPromptButton } from '../layout/TextPromptButton'
import { AttachmentsCard } from '../layout/AttachmentsCard'
import { TitledCard } from '../layout/TitledCard'
import { AmendDialogButton } from './AmendDialogButton'
import { CloseDialogButton, type CloseInput } from './CloseDialogButton'
import { StatusChip } from './DisclosureList'
import { SubjectLine } from './SubjectsInput'
import type { DisclosureAction, DisclosureRecord } from './types'

function Item({ label, children }: { label: string; children: ReactNode }) {
  const translate = useTranslate()
  return (
    <Grid size={{ xs: 12, sm: 6, md: 4 }}>
      <Typography variant="caption" color="text.secondary">
        {translate(`resources.disclosures.fields.${label}`)}
      </Typography>
      <Typography component="div" sx={{ overflowWrap: 'anywhere' }}>
        {children ?? '—'}
      </Typography>
    </Grid>
  )
}

/** A workflow step that takes a written note (withdrawal, withheld notice, later review, hold release). */
function NoteButton({ label, color, onSubmit }: { label: string; color?: 'error'; onSubmit: (note: string) => Promise<void> }) {
  return <TextPromptButton label={label} fieldLabel="verity.disclosures.note" field="note" multiline color={color} onSubmit={onSubmit} />
}

/** One request under legal process: what was asked, what was done, by whom; closed records only take amendments. */
export default function DisclosureShow() {
  const { id } = useParams()
  const translate = useTranslate()
  const notify = useNotify()
  const fmt = useFormats()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const queryClient = useQueryClient()
  const key = ['disclosure-record', id]
  const { data: d, isPending, error } = useApiQuery<DisclosureRecord>(key, `disclosures/${id}`)
  const act = async (path: string, body?: unknown) => {
    const updated = await dataProvider.post<DisclosureRecord>(`disclosures/${id}/${path}`, body)
    queryClient.setQueryData(key, updated)
    void queryClient.invalidateQueries({ queryKey: ['disclosures'] })
  }
  const safely = (run: () => Promise<void>) => () => void run().catch((e: Error) => notify(e.message, { type: 'error' }))
  const upload = async (file: File) => {
    await dataProvider.upload(`disclosures/${id}/attachments`, file)
    await queryClient.invalidateQueries({ queryKey: key })
  }

  if (isPending) return <Loading />
  if (error || !d) return <Alert severity="error">{(error as Error)?.message}</Alert>
  const cats = (list: string[]) => (list.length ? list.map((c) => translate(`verity.disclosures.categories.${c}`)).join(', ') : null)
  const activeHolds = d.holds.filter((h) => !h.releasedAt)
  // Only what the server would take from this officer now: it answers the record's possible steps.
  const can = (action: DisclosureAction) => d.actions.includes(action)

  return (
    <Box sx={{ mt: 2, maxWidth: 1100, minWidth: 0 }}>
      {/* The app bar has little room at 390 px: the record's number there, its type and case number in the heading. */}
      <Title title={translate('verity.disclosures.record_title', { id: d.id })} />
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Stack direction="row" justifyContent="space-between" alignItems="center" flexWrap="wrap" rowGap={1} columnGap={1}>
            <Stack direction="row" columnGap={1.5} rowGap={0.5} alignItems="center" flexWrap="wrap" sx={{ minWidth: 0 }}>
              <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
                {translate(`verity.disclosures.types.${d.type}`)} · {d.caseNumber}
              </Typography>
              <StatusChip status={d.status} open={d.open} />
              {activeHolds.length > 0 && (
                <Chip
                  size="small"
                  color="error"
                  label={translate('verity.disclosures.on_hold', {
                    smart_count: activeHolds.length,
                  })}
                />
              )}
            </Stack>
            <Stack direction="row" gap={1} flexWrap="wrap">
              {can('review') && <Button onClick={safely(() => act('review'))}>{translate('verity.disclosures.start_review')}</Button>}
              {can('edit') && (
                <Button component={Link} to={`/disclosures/${d.id}`} variant="outlined">
                  {translate('ra.action.edit')}
                </Button>
              )}
              {can('close') && (
                <CloseDialogButton
                  requested={d.categoriesRequested}
                  mayDisclose={can('disclose')}
                  onClose={(input: CloseInput) => act('close', input)}
                />
              )}
              {can('withdraw') && <NoteButton label="verity.disclosures.withdraw" onSubmit={(note) => act('withdraw', { note })} />}
              {can('amend') && <AmendDialogButton onAmend={(input) => act('amendments', input)} />}
            </Stack>
          </Stack>
          {d.nondisclosureUntil && Date.parse(d.nondisclosureUntil) > Date.now() && (
            <Alert severity="warning" sx={{ mt: 2 }}>
              {translate('verity.disclosures.gagged', {
                date: fmt.date(d.nondisclosureUntil),
              })}
            </Alert>
          )}
          {d.noticeDue && (
            <Alert
              severity="info"
              sx={{ mt: 2, flexWrap: 'wrap' }}
              action={
                can('notice') && (
                  <Stack direction="row" gap={1} flexWrap="wrap">
                    <Button onClick={safely(() => act('notice', { given: true }))}>{translate('verity.disclosures.notice_given')}</Button>
                    <NoteButton label="verity.disclosures.notice_withheld" onSubmit={(note) => act('notice', { given: false, note })} />
                  </Stack>
                )
              }
            >
              {translate('verity.disclosures.notice_due')}
            </Alert>
          )}
          {d.type === 'emergency' && !d.open && !d.postReviewAt && (
            <Alert
              severity="warning"
              sx={{ mt: 2, flexWrap: 'wrap' }}
              action={
                can('post_review') && (
                  <NoteButton label="verity.disclosures.post_review" onSubmit={(note) => act('post-review', { note })} />
                )
              }
            >
              {translate('verity.disclosures.review_due')}
            </Alert>
          )}
          <Grid container spacing={2} sx={{ mt: 1 }}>
            <Item label="authority">{d.authority}</Item>
            <Item label="requestingOfficer">{d.requestingOfficer}</Item>
            <Item label="jurisdiction">{d.jurisdiction}</Item>
            <Item label="legalBasis">{d.legalBasis}</Item>
            <Item label="receivedAt">{fmt.date(d.receivedAt)}</Item>
            <Item label="dueAt">{fmt.date(d.dueAt)}</Item>
            <Item label="categoriesRequested">{cats(d.categoriesRequested)}</Item>
            <Item label="categoriesProduced">{cats(d.categoriesProduced)}</Item>
            <Item label="outcome">
              {d.outcome &&
                translate(`verity.disclosures.outcomes.${d.outcome}`) + (d.partial ? ` (${translate('verity.disclosures.partial')})` : '')}
            </Item>
            <Item label="createdByName">{d.createdByName}</Item>
            <Item label="reviewedByName">{d.reviewedByName}</Item>
            <Item label="disclosedByName">{d.disclosedByName && `${d.disclosedByName}, ${fmt.time(d.disclosedAt)}`}</Item>
            <Item label="nondisclosureUntil">{fmt.date(d.nondisclosureUntil)}</Item>
            <Item label="customerNotifiedAt">{fmt.time(d.customerNotifiedAt) ?? d.noticeNote}</Item>
            {d.emergencyJustification && <Item label="emergencyJustification">{d.emergencyJustification}</Item>}
            {d.postReviewAt && <Item label="postReviewNote">{`${d.postReviewByName}: ${d.postReviewNote}`}</Item>}
            {d.statusNote && <Item label="statusNote">{d.statusNote}</Item>}
          </Grid>
        </CardContent>
      </Card>
      <Stack spacing={2}>
        <TitledCard title="verity.disclosures.subjects">
          <List dense disablePadding>
            {d.subjects.map((s) => (
              <ListItem key={s.id} disableGutters divider sx={{ flexWrap: 'wrap', columnGap: 2, rowGap: 0.5 }}>
                <Box sx={{ flex: '1 1 16rem', minWidth: 0, overflowWrap: 'anywhere' }}>
                  <MuiLink component={Link} to={`/customers/${s.id}/show`}>
                    <SubjectLine subject={s} />
                  </MuiLink>
                  {s.country && ` · ${s.country}`}
                </Box>
                {d.holds.some((h) => h.customerId === s.id && !h.releasedAt) && (
                  <Chip size="small" color="error" label={translate('verity.disclosures.held')} />
                )}
                <MuiLink component={Link} to={`/accounting/${s.id}`}>
                  {translate('verity.disclosures.accounting')}
                </MuiLink>
              </ListItem>
            ))}
          </List>
          {can('release_hold') && (
            <Box sx={{ mt: 1 }}>
              <TextPromptButton
                label="verity.disclosures.release_hold"
                help="verity.disclosures.release_hold_consequence"
                fieldLabel="verity.disclosures.release_hold_reason"
                confirmLabel="verity.disclosures.release_hold_confirm"
                field="note"
                multiline
                color="error"
                onSubmit={(note) => act('release-hold', { note })}
              />
            </Box>
          )}
        </TitledCard>
        <TitledCard title="verity.disclosures.amendments">
          {d.amendments.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              {translate('verity.customer.none')}
            </Typography>
          ) : (
            <Table size="small" sx={{ '& td, & th': { overflowWrap: 'anywhere' } }}>
              <TableHead>
                <TableRow>
                  <TableCell>{translate('verity.customer.grant.at')}</TableCell>
                  <TableCell>{translate('verity.customer.grant.staff')}</TableCell>
                  <TableCell>{translate('verity.disclosures.amend_reason')}</TableCell>
                  <TableCell>{translate('verity.disclosures.amend_value')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {d.amendments.map((a) => (
                  <TableRow key={a.id}>
                    <TableCell>{fmt.time(a.createdAt)}</TableCell>
                    <TableCell>{a.staffName}</TableCell>
                    <TableCell>{a.reason}</TableCell>
                    <TableCell>
                      {Object.entries(a.changes)
                        .map(
                          ([k, v]) => `${translate(`resources.disclosures.fields.${k}`)}: ${Array.isArray(v) ? v.join(', ') : String(v)}`,
                        )
                        .join(' · ')}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </TitledCard>
        <AttachmentsCard
          title="verity.disclosures.attachments"
          files={d.attachments}
          href={(a) => `/api/disclosures/${d.id}/attachments/${a.id}`}
          onAttach={can('attach') ? upload : undefined}
        />
      </Stack>
    </Box>
  )
}
