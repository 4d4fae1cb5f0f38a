import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http } from 'msw'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { i18nProvider } from '../i18n/i18nProvider'
import { GOOD_CODE, mfaApi, RECOVERY, SECRET } from '../mfa/testApi'
import { apiError, server } from '../test/server'

const signedOut = () => server.use(http.get('/api/auth/me', () => apiError(401, 'unauthenticated', 'Sign in')))
/** Signed out, every password wrong: answers what each sign-in sent. */
function wrongPasswords() {
  signedOut()
  const logins: unknown[] = []
  server.use(
    http.post('/api/auth/login', async ({ request }) => {
      logins.push(await request.json())
      return apiError(401, 'invalid_credentials', 'Wrong email or password')
    }),
  )
  return logins
}

describe('the sign-in page', () => {
  it('asks for an email, typed as one and filled in as the username by password managers', async () => {
    signedOut()
    render(<App />)
    const email = (await screen.findByLabelText(/^email/i, {}, { timeout: 5000 })) as HTMLInputElement
    expect(email.type).toBe('email')
    expect(email.autocomplete).toBe('username')
    expect(document.activeElement).toBe(email)
    const password = screen.getByLabelText(/^password/i, { selector: 'input' }) as HTMLInputElement
    expect(password.autocomplete).toBe('current-password')
    expect(screen.queryByLabelText(/username/i)).toBeNull()
  })

  it('says which field is still empty, sends nothing, and lets the password be shown', async () => {
    const logins = wrongPasswords()
    render(<App />)
    const user = userEvent.setup()
    const email = await screen.findByLabelText(/^email/i, {}, { timeout: 5000 })
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(screen.getAllByText('Required')).toHaveLength(2)
    expect(email.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(email)
    await user.type(email, 'agent@example.com{Enter}')
    const password = screen.getByLabelText(/^password/i, { selector: 'input' }) as HTMLInputElement
    expect(screen.getAllByText('Required')).toHaveLength(1)
    expect(document.activeElement).toBe(password)
    expect(logins).toEqual([])

    await user.type(password, 'not it')
    expect(password.type).toBe('password')
    await user.click(screen.getByRole('button', { name: 'Show password' }))
    expect(password.type).toBe('text')
    await user.click(screen.getByRole('button', { name: 'Hide password' }))
    expect(password.type).toBe('password')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('Wrong email or password')).toBeTruthy()
    expect(logins).toEqual([{ email: 'agent@example.com', password: 'not it' }])
  })

  it('switches to Simplified Chinese and back before signing in', async () => {
    signedOut()
    render(<App />)
    await screen.findByLabelText(/^email/i, {}, { timeout: 5000 })
    const language = screen.getByRole('group', { name: 'Language' })
    expect(within(language).getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true')
    await userEvent.click(within(language).getByRole('button', { name: '简体中文' }))
    expect(await screen.findByLabelText(/^电子邮件/)).toBeTruthy()
    expect(screen.getByLabelText(/^密码/, { selector: 'input' })).toBeTruthy()
    const zh = screen.getByRole('group', { name: '语言' })
    expect(within(zh).getByRole('button', { name: '简体中文' }).getAttribute('aria-pressed')).toBe('true')
    expect(within(zh).getByRole('button', { name: '简体中文' }).getAttribute('lang')).toBe('zh-Hans')
    await userEvent.click(within(zh).getByRole('button', { name: 'English' }))
    expect(await screen.findByLabelText(/^email/i)).toBeTruthy()
  })

  it('keeps what was typed when the language is switched after it', async () => {
    const logins = wrongPasswords()
    render(<App />)
    const user = userEvent.setup()
    await user.type(await screen.findByLabelText(/^email/i, {}, { timeout: 5000 }), 'agent@example.com')
    await user.type(screen.getByLabelText(/^password/i, { selector: 'input' }), 'typed before')
    // react-admin draws the page afresh in the other language: the fields are new ones
    await user.click(within(screen.getByRole('group', { name: 'Language' })).getByRole('button', { name: '简体中文' }))
    const email = (await screen.findByLabelText(/^电子邮件/)) as HTMLInputElement
    expect(email.value).toBe('agent@example.com')
    expect((screen.getByLabelText(/^密码/, { selector: 'input' }) as HTMLInputElement).value).toBe('typed before')
    await user.click(screen.getByRole('button', { name: '登录' }))
    await vi.waitFor(() => expect(logins).toEqual([{ email: 'agent@example.com', password: 'typed before' }]))
    // refused, the password is kept nowhere but in its field: drawn afresh, only the email is there
    await user.click(within(screen.getByRole('group', { name: '语言' })).getByRole('button', { name: 'English' }))
    expect(((await screen.findByLabelText(/^email/i)) as HTMLInputElement).value).toBe('agent@example.com')
    expect((screen.getByLabelText(/^password/i, { selector: 'input' }) as HTMLInputElement).value).toBe('')
  })
})

async function givePassword(user = userEvent.setup()) {
  render(<App />)
  await user.type(await screen.findByLabelText(/^email/i, {}, { timeout: 5000 }), 'compliance@example.com')
  await user.type(screen.getByLabelText(/^password/i, { selector: 'input' }), 'correct horse battery')
  await user.click(screen.getByRole('button', { name: 'Sign in' }))
  return user
}

describe('signing in with a second factor', () => {
  afterEach(() => i18nProvider.changeLocale('en'))

  it('asks for the app’s code after the password: six digits, filled in by the phone, Enter sends; a wrong one is said', async () => {
    const calls = mfaApi({ step: 'totp' })
    const user = await givePassword()
    expect(await screen.findByRole('heading', { name: 'Two-step sign-in' })).toBeTruthy()
    expect(calls.login).toEqual([{ email: 'compliance@example.com', password: 'correct horse battery' }])
    const code = screen.getByLabelText(/^Code from your authenticator app/) as HTMLInputElement
    expect(code.autocomplete).toBe('one-time-code')
    expect(code.inputMode).toBe('numeric')
    expect(document.activeElement).toBe(code)

    await user.type(code, '12{Enter}')
    expect(await screen.findByText('Enter the 6 digits the app shows.')).toBeTruthy()
    expect(calls.mfa).toEqual([])

    await user.clear(code)
    await user.type(code, '000000{Enter}')
    expect((await screen.findByRole('alert')).textContent).toMatch(/^That code is not right/)
    expect(code.value).toBe('')
    expect(document.activeElement).toBe(code)

    await user.type(code, '123 456{Enter}')
    expect(await screen.findByText('Welcome, Wang Fang', {}, { timeout: 5000 })).toBeTruthy()
    expect(calls.mfa).toEqual(['000000', GOOD_CODE])
  })

  it('takes a recovery code instead, typed as letters', async () => {
    const calls = mfaApi({ step: 'totp' })
    const user = await givePassword()
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code instead' }))
    const field = screen.getByLabelText(/^Recovery code/) as HTMLInputElement
    expect(document.activeElement).toBe(field)
    expect(field.inputMode).toBe('text')
    expect(screen.getByText(/Lost your phone\? Enter one of your recovery codes/)).toBeTruthy()
    await user.type(field, `${RECOVERY[0]}{Enter}`)
    expect(await screen.findByText('Welcome, Wang Fang', {}, { timeout: 5000 })).toBeTruthy()
    expect(calls.mfa).toEqual([RECOVERY[0]])
    expect(await screen.findByText(/^Recovery code used: 9 are left\. If your phone is lost, set up a new authenticator/)).toBeTruthy()
  })

  it('sends back to the password when the ten minutes it gave ran out', async () => {
    mfaApi({ step: 'totp' })
    server.use(http.post('/api/auth/mfa', () => apiError(401, 'unauthenticated', 'Sign in')))
    const user = await givePassword()
    // the code step is in the language chosen with the password: no switch that would draw the page afresh
    expect(screen.queryByRole('group', { name: 'Language' })).toBeNull()
    await user.type(await screen.findByLabelText(/^Code from your authenticator app/), `${GOOD_CODE}{Enter}`)
    expect(await screen.findByText(/Signing in took more than 10 minutes/)).toBeTruthy()
    // what was typed went with the first step, and is kept nowhere
    expect((screen.getByLabelText(/^email/i) as HTMLInputElement).value).toBe('')
    expect((screen.getByLabelText(/^password/i, { selector: 'input' }) as HTMLInputElement).value).toBe('')
    expect(screen.getByRole('group', { name: 'Language' })).toBeTruthy()
  })

  it('speaks Chinese at the code step', async () => {
    mfaApi({ step: 'totp' })
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    render(<App />)
    const user = userEvent.setup()
    await user.type(await screen.findByLabelText(/^电子邮件/, {}, { timeout: 5000 }), 'compliance@example.com')
    await user.type(screen.getByLabelText(/^密码/, { selector: 'input' }), 'correct horse battery')
    await user.click(screen.getByRole('button', { name: '登录' }))
    expect(await screen.findByRole('heading', { name: '两步登录' })).toBeTruthy()
    expect(screen.getByLabelText(/^身份验证器应用中的验证码/)).toBeTruthy()
    expect(screen.getByRole('button', { name: '改用恢复码' })).toBeTruthy()
  })
})

describe('setting up the second factor at sign-in, where the role must have one', () => {
  const saved: { name: string; text: Promise<string> }[] = []
  beforeEach(() => {
    saved.length = 0
    const blobs: Blob[] = []
    URL.createObjectURL = vi.fn((b: Blob) => `blob:${blobs.push(b)}`)
    URL.revokeObjectURL = vi.fn()
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, text: blobs[Number(this.href.split(':').pop()) - 1]!.text() })
    })
  })
  afterEach(() => vi.restoreAllMocks())

  it('says why, shows the QR code and the key, checks a code, then shows the recovery codes once before going on', async () => {
    const calls = mfaApi({ step: 'enrol' })
    const user = await givePassword()
    expect(await screen.findByRole('heading', { name: 'Set up two-step sign-in' })).toBeTruthy()
    // the enrolment is a chunk of its own, loaded when this step comes
    expect(await screen.findByText(/^Your role must use two-step sign-in/, {}, { timeout: 5000 })).toBeTruthy()
    expect(await screen.findByRole('img', { name: 'QR code to scan with your authenticator app' }, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Copy the key' }))
    expect(await navigator.clipboard.readText()).toBe(SECRET)
    expect(calls.totp).toBe(1)

    const code = screen.getByLabelText(/^Code from your authenticator app/) as HTMLInputElement
    expect(code.autocomplete).toBe('one-time-code')
    await user.type(code, '999999{Enter}')
    expect((await screen.findByRole('alert')).textContent).toMatch(/^That code is not right/)
    await user.type(code, `${GOOD_CODE}{Enter}`)

    expect(await screen.findByRole('heading', { name: 'Save your recovery codes' })).toBeTruthy()
    expect(screen.getByText(/shown only this once/)).toBeTruthy()
    const list = screen.getByRole('list', { name: 'Recovery codes' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(RECOVERY)
    // signed in now: no way back to the password while the codes are on screen
    expect(screen.queryByRole('button', { name: 'Start again with email and password' })).toBeNull()

    await user.click(screen.getByRole('button', { name: 'Copy the codes' }))
    expect(await navigator.clipboard.readText()).toContain(RECOVERY.join('\n'))
    await user.click(screen.getByRole('button', { name: 'Download as .txt' }))
    expect(saved.map((s) => s.name)).toEqual(['verity-recovery-codes.txt'])
    expect(await saved[0]!.text).toContain(RECOVERY.join('\n'))

    const go = screen.getByRole('button', { name: 'Continue to Verity' })
    expect((go as HTMLButtonElement).disabled).toBe(true)
    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }))
    expect((go as HTMLButtonElement).disabled).toBe(false)
    await user.click(go)
    expect(await screen.findByText('Welcome, Wang Fang', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.queryByText(RECOVERY[0]!)).toBeNull()
    expect(calls).toMatchObject({ totp: 1, confirm: ['999999', GOOD_CODE], mfa: [] })
  })
})
