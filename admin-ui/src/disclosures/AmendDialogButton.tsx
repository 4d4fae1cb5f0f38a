import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField } from '@mui/material'
import { useState } from 'react'
import { useTranslate } from 'react-admin'

/** Text fields a correction can name; the server validates the value as it does on creation. */
const AMENDABLE = ['caseNumber', 'authority', 'requestingOfficer', 'legalBasis', 'jurisdiction'] as const

/** Appends a correction to the record: one field, its corrected value, and why. */
export function AmendDialogButton({ onAmend }: { onAmend: (input: { reason: string; changes: Record<string, string> }) => Promise<void> }) {
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const [field, setField] = useState<(typeof AMENDABLE)[number]>('caseNumber')
  const [value, setValue] = useState('')
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const submit = async () => {
    try {
      await onAmend({ reason, changes: { [field]: value } })
      setOpen(false)
      setValue('')
      setReason('')
      setErrors({})
    } catch (e) {
      const err = e as { body?: { errors?: Record<string, string> }; message: string }
      setErrors(err.body?.errors ?? { reason: err.message })
    }
  }
  return (
    <>
      <Button variant="outlined" onClick={() => setOpen(true)}>
        {translate('verity.disclosures.amend')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm">
        <DialogTitle>{translate('verity.disclosures.amend')}</DialogTitle>
        <DialogContent>
          <DialogContentText>{translate('verity.disclosures.amend_help')}</DialogContentText>
          <TextField
            select
            fullWidth
            margin="dense"
            label={translate('verity.disclosures.amend_field')}
            value={field}
            onChange={(e) => setField(e.target.value as typeof field)}
          >
            {AMENDABLE.map((f) => (
              <MenuItem key={f} value={f}>
                {translate(`resources.disclosures.fields.${f}`)}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            fullWidth
            margin="dense"
            label={translate('verity.disclosures.amend_value')}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={!!errors[`changes.${field}`]}
            helperText={errors[`changes.${field}`] ?? ' '}
          />
          <TextField
            fullWidth
            multiline
            minRows={2}
            margin="dense"
            label={translate('verity.disclosures.amend_reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={!!errors.reason}
            helperText={errors.reason ?? ' '}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" disabled={!value.trim() || !reason.trim()} onClick={() => void submit()}>
            {translate('verity.disclosures.amend')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
