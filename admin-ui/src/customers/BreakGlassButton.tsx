import LockOpenIcon from '@mui/icons-material/LockOpen'
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material'
import { useState } from 'react'
import { useDataProvider, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

/** Compliance opens a record unmasked by writing down why; the server keeps the reason and audits the access. */
export function BreakGlassButton({ customerId, onOpened }: { customerId: number; onOpened: () => void }) {
  const translate = useTranslate()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async () => {
    try {
      await dataProvider.post(`customers/${customerId}/unmask`, { reason })
      setOpen(false)
      onOpened()
    } catch (e) {
      const err = e as { body?: { errors?: Record<string, string> }; message: string }
      setError(err.body?.errors?.reason ?? err.message)
    }
  }
  return (
    <>
      <Button color="warning" variant="outlined" startIcon={<LockOpenIcon />} onClick={() => setOpen(true)}>
        {translate('verity.customer.break_glass_open')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm">
        <DialogTitle>{translate('verity.customer.break_glass_open')}</DialogTitle>
        <DialogContent>
          <DialogContentText>{translate('verity.customer.break_glass_help')}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={3}
            margin="dense"
            label={translate('verity.customer.grant.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={!!error}
            helperText={error ?? ' '}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
          <Button color="warning" variant="contained" disabled={reason.trim().length === 0} onClick={() => void submit()}>
            {translate('verity.customer.break_glass_confirm')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
