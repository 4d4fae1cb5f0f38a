import { Alert, Button, CardContent, CircularProgress, Link, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material'
import { type ReactNode, useState } from 'react'
import {
  Form,
  HttpError,
  Login,
  LoginClasses,
  PasswordInput,
  required,
  TextInput,
  useLocaleState,
  useLocales,
  useLogin,
  useNotify,
  useTranslate,
} from 'react-admin'
import { type SecondStep, SecondStepNeeded } from '../authProvider'
import { errorCode } from '../httpClient'
import { CodeForm } from '../mfa/CodeForm'
import { Enrolment } from '../mfa/Enrolment'
import { useRecoveryCodesLeft } from '../mfa/useRecoveryCodesLeft'

/** English or 简体中文 before signing in: staff may not read English, and the choice stays for the console. */
export function LanguageSwitch() {
  const translate = useTranslate()
  const [locale, setLocale] = useLocaleState()
  const locales = useLocales()
  return (
    <CardContent sx={{ pt: 0, display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 1 }}>
      <Typography id="sign-in-language" variant="body2" color="text.secondary">
        {translate('verity.sign_in.language')}
      </Typography>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={locale}
        onChange={(_, next: string | null) => next && setLocale(next)}
        aria-labelledby="sign-in-language"
      >
        {locales.map((l) => (
          <ToggleButton key={l.locale} value={l.locale} lang={l.locale === 'zh' ? 'zh-Hans' : l.locale} sx={{ textTransform: 'none' }}>
            {l.name}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </CardContent>
  )
}

/**
 * The email and password. The email field is named `username` for react-admin's login, and autocompletes as the
 * username so password managers pair it with the password. A right password may lead to a second step.
 */
function PasswordStep({ onSecondStep, notice }: { onSecondStep: (step: SecondStep) => void; notice: string | null }) {
  const translate = useTranslate()
  const login = useLogin()
  const notify = useNotify()
  const [loading, setLoading] = useState(false)
  const submit = async (values: Record<string, unknown>) => {
    setLoading(true)
    try {
      await login(values)
    } catch (e) {
      if (e instanceof SecondStepNeeded) onSecondStep(e.step)
      else notify(e instanceof Error && e.message ? e.message : 'ra.auth.sign_in_error', { type: 'error' })
    } finally {
      setLoading(false)
    }
  }
  return (
    <Form onSubmit={submit} mode="onChange" noValidate>
      <CardContent sx={{ width: 300, maxWidth: '100%', pb: 2 }}>
        {notice && (
          <Alert severity="info" role="status" sx={{ mb: 2 }}>
            {notice}
          </Alert>
        )}
        <TextInput
          autoFocus
          source="username"
          type="email"
          label={translate('verity.sign_in.email')}
          autoComplete="username"
          validate={required()}
        />
        <PasswordInput
          source="password"
          label={translate('verity.sign_in.password')}
          autoComplete="current-password"
          validate={required()}
        />
        <Button variant="contained" type="submit" disabled={loading} fullWidth sx={{ mt: 2 }}>
          {loading ? <CircularProgress size={19} thickness={3} /> : translate('ra.auth.sign_in')}
        </Button>
      </CardContent>
    </Form>
  )
}

/** A second step's frame: its heading, its content, and a way back to the password (to sign in as someone else). */
function StepCard({ title, wide, onBack, children }: { title: string; wide?: boolean; onBack?: () => void; children: ReactNode }) {
  const translate = useTranslate()
  return (
    <CardContent sx={{ width: wide ? '26rem' : 300, maxWidth: 'calc(100vw - 2rem)', boxSizing: 'border-box' }}>
      <Typography component="h1" variant="h6" gutterBottom>
        {translate(title)}
      </Typography>
      {children}
      {onBack && (
        <Typography variant="body2" sx={{ mt: 2 }}>
          <Link component="button" type="button" onClick={onBack} underline="always">
            {translate('verity.mfa.sign_in.back')}
          </Link>
        </Typography>
      )}
    </CardContent>
  )
}

/**
 * Staff sign in with their email and password, then, where the account has a second factor, a code from their
 * authenticator app (or a recovery code); an account whose role must have one and has none sets it up first
 * (POST /api/auth/login answers `{mfa: "totp" | "enrol"}`; docs/decisions/0015).
 */
export function SignInPage() {
  const translate = useTranslate()
  const login = useLogin()
  const [step, setStep] = useState<SecondStep | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  // once enrolment is confirmed the console is signed in: the recovery codes on screen are the only way on
  const [enrolled, setEnrolled] = useState(false)
  const restart = (why: string | null) => {
    setNotice(why && translate(why))
    setEnrolled(false)
    setStep(null)
  }
  // the ten minutes a right password gives to finish signing in ran out: start again
  const expired = () => restart('verity.mfa.sign_in.expired')

  const recoveryCodesLeft = useRecoveryCodesLeft()
  const giveCode = async (code: string) => {
    try {
      const done = (await login({ code })) as { recoveryCodesLeft?: number | null }
      recoveryCodesLeft(done.recoveryCodesLeft)
    } catch (e) {
      if (e instanceof HttpError && e.status === 401 && errorCode(e) !== 'invalid_code') expired()
      else throw e
    }
  }

  return (
    // the card keeps its height and the page scrolls: the enrolment step is taller than a phone's screen
    <Login sx={{ height: 'auto', [`& .${LoginClasses.card}`]: { flexShrink: 0, mb: 4 } }}>
      {step === null && <PasswordStep notice={notice} onSecondStep={setStep} />}
      {step === 'totp' && (
        <StepCard title="verity.mfa.sign_in.code_title" onBack={() => restart(null)}>
          <CodeForm
            recovery
            submitLabel="verity.mfa.sign_in.verify"
            onSubmit={giveCode}
            intro={(kind) => (
              <Typography variant="body2" color="text.secondary">
                {translate(`verity.mfa.sign_in.${kind}_intro`)}
              </Typography>
            )}
          />
        </StepCard>
      )}
      {step === 'enrol' && (
        <StepCard
          title={enrolled ? 'verity.mfa.recovery.title' : 'verity.mfa.sign_in.enrol_title'}
          wide
          onBack={enrolled ? undefined : () => restart(null)}
        >
          <Enrolment
            onConfirmed={() => setEnrolled(true)}
            intro={
              <Alert severity="info" role="note">
                {translate('verity.mfa.sign_in.enrol_why')}
              </Alert>
            }
            doneLabel="verity.mfa.sign_in.continue"
            onDone={() => void login({ enrolled: true })}
            onSignedOut={expired}
          />
        </StepCard>
      )}
      <LanguageSwitch />
    </Login>
  )
}
