import CheckIcon from '@mui/icons-material/Check'
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  useMediaQuery,
  type Theme,
} from '@mui/material'
import { useState } from 'react'
import { useTranslate } from 'react-admin'
import { ChangesTable } from './ChangesTable'
import type { RequestRecord } from './types'

/**
 * Approving carries the request out, so the dialog says what will happen first: the changes an edit applies, what an
 * erasure removes and that it cannot be undone, or that the customer is sent a copy of their data.
 */
export function ApproveButton({ request, onApprove }: { request: RequestRecord; onApprove: () => Promise<void> }) {
  const translate = useTranslate()
  const fullScreen = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const erasure = request.type === 'erasure'
  const close = () => {
    setOpen(false)
    setError(null)
  }
  const approve = async () => {
    setBusy(true)
    setError(null)
    try {
      await onApprove()
      setOpen(false)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button variant="contained" color={erasure ? 'error' : 'primary'} startIcon={<CheckIcon />} onClick={() => setOpen(true)}>
        {translate('verity.requests.approve')}
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="sm" fullScreen={fullScreen}>
        <DialogTitle>{translate(`verity.requests.approve_title.${request.type}`)}</DialogTitle>
        <DialogContent>
          <DialogContentText gutterBottom>
            {translate(`verity.requests.approve_body.${request.type}`, { customer: `#${request.customer_id}` })}
          </DialogContentText>
          {request.type === 'edit' && request.changes && <ChangesTable changes={request.changes} />}
          {erasure && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {translate('verity.requests.irreversible')}
            </Alert>
          )}
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" color={erasure ? 'error' : 'primary'} disabled={busy} onClick={() => void approve()}>
            {translate(`verity.requests.approve_confirm.${request.type}`)}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
