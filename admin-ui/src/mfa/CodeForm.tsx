import { Box, Button, Link, TextField, Typography } from '@mui/material'
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react'
import { HttpError, useTranslate } from 'react-admin'
import { errorCode } from '../httpClient'
import { type CodeKind, codeOf } from './codes'

/** A code the server did not take: 401 `invalid_code` (signing in, fresh proof), or 400 naming the field (confirming set-up). */
const wrongCode = (e: unknown) =>
  errorCode(e) === 'invalid_code' ||
  (e instanceof HttpError && e.status === 400 && !!(e.body as { errors?: { code?: string } })?.errors?.code)

interface Props {
  /** sends the code; a wrong one and too many tries (429) are said under the field */
  onSubmit: (code: string) => Promise<void>
  /** i18n key of the submit button */
  submitLabel: string
  /** offers "Use a recovery code" (signing in, fresh proof); not when confirming a new authenticator */
  recovery?: boolean
  autoFocus?: boolean
  onCancel?: () => void
  /** said above the field, for the code in use (the app's, or a recovery code) */
  intro?: (kind: CodeKind) => ReactNode
}

/**
 * One field for the second factor, keyboard-first: six digits from the authenticator app (a phone offers its number
 * pad and the code the app sent it), or, after "Use a recovery code", one of the codes saved at enrolment. Enter
 * submits; a wrong code is said in place, the field cleared for the next try.
 */
export function CodeForm({ onSubmit, submitLabel, recovery = false, autoFocus = true, onCancel, intro }: Props) {
  const translate = useTranslate()
  const [kind, setKind] = useState<CodeKind>('totp')
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const switched = useRef(false)

  useEffect(() => {
    // after switching between the app's code and a recovery code, the field takes the focus again
    if (switched.current) input.current?.focus()
  }, [kind])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const code = codeOf(kind, value)
    if (!code) {
      setError(translate(`verity.mfa.code.${kind}_format`))
      input.current?.focus()
      return
    }
    setSending(true)
    setError(null)
    try {
      await onSubmit(code)
    } catch (err) {
      if (wrongCode(err)) setError(translate(`verity.mfa.code.${kind}_wrong`))
      else if (err instanceof HttpError && err.status === 429) setError(translate('verity.mfa.code.throttled'))
      else setError(err instanceof Error ? err.message : String(err))
      setValue('')
      input.current?.focus()
    } finally {
      setSending(false)
    }
  }

  const toggle = () => {
    switched.current = true
    setKind(kind === 'totp' ? 'recovery' : 'totp')
    setValue('')
    setError(null)
  }

  const totp = kind === 'totp'
  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      {intro?.(kind)}
      <TextField
        key={kind}
        inputRef={input}
        autoFocus={autoFocus || switched.current}
        label={translate(`verity.mfa.code.${kind}_label`)}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoComplete={totp ? 'one-time-code' : 'off'}
        placeholder={totp ? undefined : 'xxxxx-xxxxx'}
        error={!!error}
        helperText={error ?? translate(`verity.mfa.code.${kind}_help`)}
        required
        fullWidth
        slotProps={{
          htmlInput: totp
            ? { inputMode: 'numeric', pattern: '[0-9 ]*', maxLength: 7, spellCheck: false }
            : { inputMode: 'text', autoCapitalize: 'none', spellCheck: false, maxLength: 16 },
          formHelperText: error ? { role: 'alert' } : undefined,
        }}
      />
      {recovery && (
        <Typography variant="body2">
          <Link component="button" type="button" onClick={toggle} underline="always">
            {translate(totp ? 'verity.mfa.code.use_recovery' : 'verity.mfa.code.use_totp')}
          </Link>
        </Typography>
      )}
      <Box sx={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'flex-end', gap: 1 }}>
        {onCancel && <Button onClick={onCancel}>{translate('ra.action.cancel')}</Button>}
        <Button type="submit" variant="contained" disabled={sending} fullWidth={!onCancel}>
          {translate(submitLabel)}
        </Button>
      </Box>
    </Box>
  )
}
