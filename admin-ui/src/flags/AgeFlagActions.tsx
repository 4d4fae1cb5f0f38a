import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField } from '@mui/material'
import { useState } from 'react'
import { Confirm, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin'
import { useNavigate } from 'react-router-dom'
import type { VerityDataProvider } from '../dataProvider'
import type { FlagRecord } from './flagText'

type ApiError = { body?: { errors?: Record<string, string> }; message?: string }

/**
 * What compliance can do about an open age flag: lock the account, record the guardian's consent (a minor's flag only),
 * or file an erasure request for the account (through the requests desk, as a request received in writing). The server
 * lists which of these the viewer may take on this flag (flagActions in api/src/modules/flags/flags.service.ts).
 */
export function AgeFlagActions() {
  const record = useRecordContext<FlagRecord>()
  const actions = record?.actions ?? []
  if (!record || !record.customer_id || !actions.some((a) => a !== 'resolve')) return null
  return (
    <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap component="span">
      {actions.includes('lock_account') && <LockAccountButton record={record} />}
      {actions.includes('record_consent') && <RecordConsentButton record={record} />}
      {actions.includes('file_erasure') && <FileErasureButton record={record} />}
    </Stack>
  )
}

/** A button that says what it will do in a confirm dialog, then does it; a failure is shown, the dialog closes either way. */
function ConfirmedAction({
  label,
  title,
  body,
  color,
  act,
}: {
  label: string
  title: string
  body: string
  color: 'warning' | 'error'
  act: () => Promise<void>
}) {
  const notify = useNotify()
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    try {
      await act()
    } catch (e) {
      notify((e as Error).message, { type: 'error' })
    } finally {
      setBusy(false)
      setOpen(false)
    }
  }
  return (
    <>
      <Button size="small" color={color} onClick={() => setOpen(true)}>
        {translate(label)}
      </Button>
      <Confirm
        isOpen={open}
        loading={busy}
        title={title}
        content={body}
        confirm={label}
        confirmColor="warning"
        onConfirm={() => void run()}
        onClose={() => setOpen(false)}
      />
    </>
  )
}

function LockAccountButton({ record }: { record: FlagRecord }) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const refresh = useRefresh()
  return (
    <ConfirmedAction
      label="verity.flags.age.lock"
      title="verity.flags.age.lock_title"
      body="verity.flags.age.lock_body"
      color="warning"
      act={async () => {
        await dataProvider.post(`flags/${record.id}/lock-account`)
        notify('verity.flags.age.locked', { type: 'success' })
        refresh()
      }}
    />
  )
}

function RecordConsentButton({ record }: { record: FlagRecord }) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const refresh = useRefresh()
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const [guardianName, setGuardianName] = useState('')
  const [consentedAt, setConsentedAt] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const close = () => {
    setOpen(false)
    setGuardianName('')
    setConsentedAt('')
    setErrors({})
  }
  const submit = async () => {
    setBusy(true)
    setErrors({})
    try {
      await dataProvider.post(`flags/${record.id}/record-consent`, { guardianName, consentedAt })
      notify('verity.flags.age.consent_recorded', { type: 'success' })
      close()
      refresh()
    } catch (e) {
      const err = e as ApiError
      setErrors(err.body?.errors ?? { guardianName: err.message ?? 'Error' })
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {translate('verity.flags.age.record_consent')}
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="xs">
        <DialogTitle>{translate('verity.flags.age.record_consent')}</DialogTitle>
        <DialogContent>
          <DialogContentText>{translate('verity.flags.age.consent_help')}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            autoComplete="off"
            label={translate('verity.flags.age.guardian_name')}
            value={guardianName}
            onChange={(e) => setGuardianName(e.target.value)}
            error={!!errors.guardianName}
            helperText={errors.guardianName ?? ' '}
          />
          <TextField
            fullWidth
            margin="dense"
            type="date"
            label={translate('verity.flags.age.consented_at')}
            value={consentedAt}
            onChange={(e) => setConsentedAt(e.target.value)}
            slotProps={{ inputLabel: { shrink: true }, htmlInput: { max: new Date().toISOString().slice(0, 10) } }}
            error={!!errors.consentedAt}
            helperText={errors.consentedAt ?? ' '}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" disabled={busy || !guardianName.trim() || !consentedAt} onClick={() => void submit()}>
            {translate('ra.action.save')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}

function FileErasureButton({ record }: { record: FlagRecord }) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const navigate = useNavigate()
  return (
    <ConfirmedAction
      label="verity.flags.age.file_erasure"
      title="verity.flags.age.file_erasure"
      body="verity.flags.age.erasure_body"
      color="error"
      act={async () => {
        const request = await dataProvider.post<{ id: number }>('requests', {
          customerId: record.customer_id,
          type: 'erasure',
          channel: 'written',
        })
        notify('verity.flags.age.erasure_filed', { type: 'success', messageArgs: { id: request.id } })
        navigate(`/requests/${request.id}/show`)
      }}
    />
  )
}
