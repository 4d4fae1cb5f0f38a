import { Button, type ButtonProps, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material'
import { type ReactNode, useState } from 'react'
import { useTranslate } from 'react-admin'

interface Props {
  /** i18n keys */
  label: string
  help?: string
  fieldLabel: string
  confirmLabel?: string
  /** the API field whose error message shows under the input */
  field: string
  type?: 'text' | 'password'
  multiline?: boolean
  color?: ButtonProps['color']
  variant?: ButtonProps['variant']
  size?: ButtonProps['size']
  icon?: ReactNode
  /** the button's accessible name when several alike share a page ("Resolve flag #12"); it starts with the visible label */
  accessibleName?: string
  /** resolves when done; a rejection's field error or message shows in the dialog */
  onSubmit: (value: string) => Promise<void>
}

/** A button that asks for one piece of text (a reason, a password, a note) and sends it, showing the server's error in place. */
export function TextPromptButton({
  label,
  help,
  fieldLabel,
  confirmLabel,
  field,
  type = 'text',
  multiline,
  color,
  variant = 'text',
  size,
  icon,
  accessibleName,
  onSubmit,
}: Props) {
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const close = () => {
    setOpen(false)
    setValue('')
    setError(null)
  }
  const submit = async () => {
    setSaving(true)
    setError(null)
    try {
      await onSubmit(value)
      close()
    } catch (e) {
      const err = e as { body?: { errors?: Record<string, string> }; message?: string }
      setError(err.body?.errors?.[field] ?? err.message ?? 'Error')
    } finally {
      setSaving(false)
    }
  }
  return (
    <>
      <Button
        color={color}
        variant={variant}
        size={size}
        startIcon={icon}
        aria-label={accessibleName}
        onClick={(e) => (e.stopPropagation(), setOpen(true))}
      >
        {translate(label)}
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="sm" onClick={(e) => e.stopPropagation()}>
        <DialogTitle>{translate(label)}</DialogTitle>
        <DialogContent>
          {help && <DialogContentText>{translate(help)}</DialogContentText>}
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            type={type}
            autoComplete={type === 'password' ? 'new-password' : 'off'}
            multiline={multiline}
            minRows={multiline ? 3 : undefined}
            label={translate(fieldLabel)}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => !multiline && e.key === 'Enter' && void submit()}
            error={!!error}
            helperText={error ?? ' '}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{translate('ra.action.cancel')}</Button>
          <Button color={color} variant="contained" disabled={saving || !value.trim()} onClick={() => void submit()}>
            {translate(confirmLabel ?? 'ra.action.save')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
