import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material'
import { useState } from 'react'
import { useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

/** Closes a flag with what was found or done; closing a verification lock unlocks the customer. */
export function ResolveFlagButton() {
  const record = useRecordContext<{ id: number; resolved_at: string | null }>()
  const translate = useTranslate()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const refresh = useRefresh()
  const [open, setOpen] = useState(false)
  const [resolution, setResolution] = useState('')
  const [error, setError] = useState<string | null>(null)
  if (!record || record.resolved_at) return null
  const submit = async () => {
    try {
      await dataProvider.post(`flags/${record.id}/resolve`, { resolution })
      setOpen(false)
      notify('verity.flags.resolved', { type: 'success' })
      refresh()
    } catch (e) {
      const err = e as { body?: { errors?: Record<string, string> }; message: string }
      setError(err.body?.errors?.resolution ?? err.message)
    }
  }
  return (
    <>
      <Button size="small" onClick={(e) => (e.stopPropagation(), setOpen(true))}>
        {translate('verity.flags.resolve')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm" onClick={(e) => e.stopPropagation()}>
        <DialogTitle>{translate('verity.flags.resolve')}</DialogTitle>
        <DialogContent>
          <TextField autoFocus fullWidth multiline minRows={3} margin="dense" label={translate('resources.flags.fields.resolution')} value={resolution} onChange={(e) => setResolution(e.target.value)} error={!!error} helperText={error ?? ' '} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" onClick={() => void submit()} disabled={!resolution.trim()}>
            {translate('verity.flags.resolve')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
