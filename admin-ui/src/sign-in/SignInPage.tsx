import { CardContent, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material'
import { Login, LoginForm, PasswordInput, required, TextInput, useLocaleState, useLocales, useTranslate } from 'react-admin'

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
 * Staff sign in with their email. The field is named `username` for react-admin's login, and autocompletes as the
 * username so password managers pair it with the password.
 */
export function SignInPage() {
  const translate = useTranslate()
  return (
    <Login>
      <LoginForm>
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
      </LoginForm>
      <LanguageSwitch />
    </Login>
  )
}
