import { Alert, Box, Button, Card, CardContent, Link, TextField, Typography } from '@mui/material'
import { type FormEvent, useState } from 'react'
import { HttpError, useTranslate } from 'react-admin'
import { useSearchParams } from 'react-router-dom'
import { httpClient } from '../httpClient'
import { useDraft } from '../i18n/drafts'
import { LanguageSwitch } from './SignInPage'

const MIN_LENGTH = 12

/**
 * The page a set-password link opens (`#/set-password?token=…`, api/src/modules/staff/set-password.ts): public, no
 * layout. The staff member chooses their own password; the link then stops working and they sign in with it.
 */
export function SetPasswordPage() {
  const translate = useTranslate()
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  // kept through a change of language, for this link only, until sent
  const [password, setPassword, forgetPassword] = useDraft(`set-password:${token}:password`, '')
  const [confirm, setConfirm, forgetConfirm] = useDraft(`set-password:${token}:confirm`, '')
  const [touched, setTouched] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [serverField, setServerField] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const [done, setDone] = useDraft(`set-password:${token}:done`, false)

  const t = (key: string) => translate(`verity.staff.set_password_page.${key}`)
  const tooShort = touched && password.length < MIN_LENGTH
  const mismatch = touched && confirm !== password

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    setError(null)
    setServerField(null)
    if (password.length < MIN_LENGTH || confirm !== password) return
    setSending(true)
    try {
      await httpClient('/api/auth/set-password', { method: 'POST', body: JSON.stringify({ token, password }) })
      setDone(true)
    } catch (err) {
      if (err instanceof HttpError && err.status === 429) setError(t('throttled'))
      else if (err instanceof HttpError && (err.body as { errors?: Record<string, string> })?.errors?.password) {
        setServerField((err.body as { errors: Record<string, string> }).errors.password!)
      } else setError(err instanceof Error ? err.message : String(err))
    } finally {
      // taken or refused, the password is kept nowhere but in its fields
      forgetPassword()
      forgetConfirm()
      setSending(false)
    }
  }

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', p: 2 }}>
      <Card sx={{ width: '100%', maxWidth: '26rem' }}>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            {t('title')}
          </Typography>
          {done ? (
            <>
              <Alert severity="success" role="status" sx={{ mb: 2 }}>
                {t('done')}
              </Alert>
              <Button variant="contained" href="#/login" fullWidth>
                {t('sign_in')}
              </Button>
            </>
          ) : !token ? (
            <Alert severity="warning">{t('no_token')}</Alert>
          ) : (
            <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
              <Typography variant="body2" color="text.secondary">
                {t('intro')}
              </Typography>
              {error && (
                <Alert severity="error" role="alert">
                  {error}{' '}
                  <Link href="#/login" underline="always">
                    {t('sign_in')}
                  </Link>
                </Alert>
              )}
              <TextField
                autoFocus
                type="password"
                label={t('password')}
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                error={tooShort || !!serverField}
                helperText={serverField ?? (tooShort ? t('too_short') : t('rule'))}
                required
                fullWidth
              />
              <TextField
                type="password"
                label={t('confirm')}
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                error={mismatch}
                helperText={mismatch ? t('mismatch') : ' '}
                required
                fullWidth
              />
              <Button type="submit" variant="contained" disabled={sending} fullWidth>
                {t('submit')}
              </Button>
            </Box>
          )}
        </CardContent>
        <LanguageSwitch />
      </Card>
    </Box>
  )
}
