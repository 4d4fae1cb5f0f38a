import { Button, Stack, TextField } from '@mui/material'
import { useState } from 'react'
import { useTranslate } from 'react-admin'

/** One answer: type what the caller says, Enter to check it. Cleared after each check, never kept. */
export function AnswerField({
  label,
  hint,
  disabled,
  onSubmit,
  inputMode,
}: {
  label: string
  hint: string
  disabled: boolean
  onSubmit: (value: string) => void
  inputMode?: 'numeric' | 'email' | 'text'
}) {
  const translate = useTranslate()
  const [value, setValue] = useState('')
  const submit = () => {
    if (!value.trim()) return
    onSubmit(value)
    setValue('')
  }
  return (
    <Stack direction="row" spacing={1} alignItems="flex-start">
      <TextField
        autoFocus
        fullWidth
        autoComplete="off"
        label={label}
        helperText={hint}
        value={value}
        disabled={disabled}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            submit()
          }
        }}
        slotProps={{ htmlInput: { inputMode, 'data-lpignore': 'true', spellCheck: false } }}
      />
      <Button variant="contained" sx={{ mt: 1 }} disabled={disabled || !value.trim()} onClick={submit}>
        {translate('verity.verify.check')}
      </Button>
    </Stack>
  )
}
