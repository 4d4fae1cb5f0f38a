import LockIcon from '@mui/icons-material/Lock'
import Visibility from '@mui/icons-material/Visibility'
import VisibilityOff from '@mui/icons-material/VisibilityOff'
import {
  Alert,
  Avatar,
  Box,
  Button,
  Card,
  CardContent,
  CircularProgress,
  IconButton,
  InputAdornment,
  Link,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material'
import { type FormEvent, lazy, type ReactNode, Suspense, useEffect, useRef, useState } from 'react'
import { HttpError, useCheckAuth, useLocaleState, useLocales, useLogin, useNavigate, useNotify, useTranslate } from 'react-admin'
import { type SecondStep, SecondStepNeeded } from '../authProvider'
import { errorCode } from '../httpClient'
import { useDraft } from '../i18n/drafts'
import { languageTag } from '../i18n/i18nProvider'
import { CodeForm } from '../mfa/CodeForm'
import { useRecoveryCodesLeft } from '../mfa/useRecoveryCodesLeft'

// Setting up the authenticator (its QR code, the recovery codes) is for the few whose password step asks for it: a
// chunk of its own, not part of every visitor's sign-in page.
const Enrolment = lazy(() => import('../mfa/Enrolment').then((m) => ({ default: m.Enrolment })))

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
          <ToggleButton key={l.locale} value={l.locale} lang={languageTag(l.locale)} sx={{ textTransform: 'none' }}>
            {l.name}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </CardContent>
  )
}

/**
 * The email and password, a plain form as CodeForm is: react-admin's <Form> and inputs would bring react-hook-form into
 * every visitor's first download for two fields. The email goes to react-admin's login as `username`, and autocompletes
 * as the username so password managers pair it with the password. A right password may lead to a second step.
 */
function PasswordStep({ onSecondStep, notice }: { onSecondStep: (step: SecondStep) => void; notice: string | null }) {
  const translate = useTranslate()
  const login = useLogin()
  const notify = useNotify()
  // kept through a change of language, until the server takes or refuses them
  const [email, setEmail, forgetEmail] = useDraft('sign-in:email', '')
  const [password, setPassword, forgetPassword] = useDraft('sign-in:password', '')
  const [shown, setShown] = useState(false)
  // an empty field is said to be required once the form has been sent, as react-admin's inputs do
  const [sent, setSent] = useState(false)
  const [loading, setLoading] = useState(false)
  const emailInput = useRef<HTMLInputElement>(null)
  const passwordInput = useRef<HTMLInputElement>(null)
  const missing = (value: string) => sent && value === ''

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setSent(true)
    if (email === '' || password === '') {
      const empty = email === '' ? emailInput : passwordInput
      empty.current?.focus()
      return
    }
    setLoading(true)
    // taken (signed in, or on to a second step): nothing is kept for a later visit to the page
    const taken = () => {
      forgetEmail()
      forgetPassword()
    }
    try {
      await login({ username: email, password })
      taken()
    } catch (e) {
      if (e instanceof SecondStepNeeded) {
        taken()
        onSecondStep(e.step)
      } else {
        forgetPassword() // a refused password is kept nowhere but in its field
        // the API's words, already in the console's language (httpClient): shown as they are
        const message = e instanceof Error ? e.message : ''
        notify(message || 'ra.auth.sign_in_error', { type: 'error', messageArgs: { _: message } })
      }
    } finally {
      setLoading(false)
    }
  }
  const passwordToggle = translate(shown ? 'ra.input.password.toggle_visible' : 'ra.input.password.toggle_hidden')
  return (
    <Box component="form" onSubmit={submit} noValidate>
      <CardContent sx={{ width: 300, maxWidth: '100%', pb: 2 }}>
        {notice && (
          <Alert severity="info" role="status" sx={{ mb: 2 }}>
            {notice}
          </Alert>
        )}
        <TextField
          autoFocus
          inputRef={emailInput}
          name="username"
          type="email"
          label={translate('verity.sign_in.email')}
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={missing(email)}
          helperText={missing(email) ? translate('ra.validation.required') : ' '}
          required
        />
        <TextField
          inputRef={passwordInput}
          name="password"
          type={shown ? 'text' : 'password'}
          label={translate('verity.sign_in.password')}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={missing(password)}
          helperText={missing(password) ? translate('ra.validation.required') : ' '}
          required
          slotProps={{
            input: {
              endAdornment: (
                <InputAdornment position="end">
                  <IconButton aria-label={passwordToggle} onClick={() => setShown(!shown)} size="small">
                    {shown ? <Visibility fontSize="small" /> : <VisibilityOff fontSize="small" />}
                  </IconButton>
                </InputAdornment>
              ),
            },
          }}
        />
        <Button variant="contained" type="submit" disabled={loading} fullWidth sx={{ mt: 2 }}>
          {loading ? <CircularProgress size={19} thickness={3} /> : translate('ra.auth.sign_in')}
        </Button>
      </CardContent>
    </Box>
  )
}

/**
 * The page around the steps, as react-admin's <Login> draws it (the card on its dark gradient, a lock above the form),
 * written here because <Login> brings its default form along. As there, someone already signed in who opens #/login
 * goes on to the console.
 */
function SignInFrame({ children }: { children: ReactNode }) {
  const checkAuth = useCheckAuth()
  const navigate = useNavigate()
  useEffect(() => {
    checkAuth({}, false)
      .then(() => navigate('/'))
      .catch(() => undefined)
  }, [checkAuth, navigate])
  return (
    <Box
      component="main"
      sx={{
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        minHeight: '100vh',
        backgroundImage: 'radial-gradient(circle at 50% 14em, #313264 0%, #00023b 60%, #00023b 100%)',
      }}
    >
      {/* the card keeps its height and the page scrolls: the enrolment step is taller than a phone's screen */}
      <Card sx={{ minWidth: 300, mt: '6em', mb: 4, flexShrink: 0 }}>
        <Box sx={{ m: '1em', display: 'flex', justifyContent: 'center' }}>
          <Avatar>
            <LockIcon />
          </Avatar>
        </Box>
        {children}
      </Card>
    </Box>
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

/** While a step's part of the console loads: a spinner a screen reader names. */
function StepLoading() {
  const translate = useTranslate()
  return (
    <Box sx={{ display: 'flex', justifyContent: 'center', py: 3 }}>
      <CircularProgress aria-label={translate('ra.page.loading')} />
    </Box>
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
    <SignInFrame>
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
          <Suspense fallback={<StepLoading />}>
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
          </Suspense>
        </StepCard>
      )}
      {/* a second step is in the language chosen with the password: a switch would draw the page afresh, back at the start */}
      {step === null && <LanguageSwitch />}
    </SignInFrame>
  )
}
