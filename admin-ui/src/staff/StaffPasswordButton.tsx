import KeyIcon from '@mui/icons-material/Key'
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material'
import { useState } from 'react'
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

/** Sets a new password for a staff member; the server ends all their sessions. */
export function StaffPasswordButton() {
  const record = useRecordContext()
  const translate = useTranslate()
  const notify = useNotify()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  if (!record) return null

  const submit = async () => {
    setSaving(true)
    setError(null)
    try {
      await dataProvider.post(`staff/${record.id}/password`, { password })
      notify('verity.staff.password_set', { type: 'success' })
      setOpen(false)
      setPassword('')
    } catch (e) {
      const err = e as { body?: { errors?: Record<string, string> }; message?: string }
      setError(err.body?.errors?.password ?? err.message ?? 'Error')
    } finally {
      setSaving(false)
    }
  }

  return (
    <>
      <Button startIcon={<KeyIcon />} onClick={() => setOpen(true)}>
        {translate('verity.staff.set_password')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="xs">
        <DialogTitle>{translate('verity.staff.set_password')}</DialogTitle>
        <DialogContent>
          <DialogContentText>{translate('verity.staff.set_password_help')}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            type="password"
            autoComplete="new-password"
            label={translate('verity.staff.new_password')}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
            error={!!error}
            helperText={error ?? ' '}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" disabled={saving || password.length === 0} onClick={() => void submit()}>
            {translate('ra.action.save')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
