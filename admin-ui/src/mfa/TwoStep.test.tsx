import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../App'
import { i18nProvider } from '../i18n/i18nProvider'
import { server, staffOf } from '../test/server'
import { freshFactorRequired, GOOD_CODE, mfaApi, RECOVERY } from './testApi'

function profile() {
  server.use(http.get('/api/auth/sessions', () => HttpResponse.json([])))
  window.location.hash = '#/sessions'
  render(<App />)
  return userEvent.setup()
}

const section = () => screen.findByRole('region', { name: 'Two-step sign-in' }, { timeout: 5000 })

describe('two-step sign-in on one’s profile', () => {
  afterEach(() => i18nProvider.changeLocale('en'))

  it('off and optional for an agent: set it up with the enrolment of sign-in; the codes are shown once, then it is on', async () => {
    const calls = mfaApi({ staff: staffOf('agent'), signedIn: true })
    const user = profile()
    const s = await section()
    await within(s).findByText('You sign in with your password alone.')
    expect(within(s).getByText('Off')).toBeTruthy()
    expect(within(s).getByText(/^Your role does not require it/)).toBeTruthy()
    expect(within(s).queryByRole('button', { name: 'New recovery codes' })).toBeNull()

    await user.click(within(s).getByRole('button', { name: 'Set up two-step sign-in' }))
    const dialog = await screen.findByRole('dialog', { name: 'Set up two-step sign-in' })
    await within(dialog).findByRole('img', { name: 'QR code to scan with your authenticator app' }, { timeout: 5000 })
    await user.type(within(dialog).getByLabelText(/^Code from your authenticator app/), `${GOOD_CODE}{Enter}`)
    const codes = await screen.findByRole('dialog', { name: 'Save your recovery codes' })
    expect(within(codes).getAllByRole('listitem')).toHaveLength(10)
    await user.keyboard('{Escape}')
    expect(screen.getByRole('dialog', { name: 'Save your recovery codes' })).toBeTruthy()
    await user.click(within(codes).getByRole('checkbox', { name: 'I have saved these codes' }))
    await user.click(within(codes).getByRole('button', { name: 'Done' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(await within(s).findByText('On')).toBeTruthy()
    expect(within(s).getByRole('button', { name: 'Set up a new authenticator' })).toBeTruthy()
    expect(screen.queryByText(RECOVERY[0]!)).toBeNull()
    expect(calls).toMatchObject({ totp: 1, confirm: [GOOD_CODE] })
  })

  it('on and required for compliance; a new authenticator first asks for the current code, warns, and can be cancelled', async () => {
    const calls = mfaApi({ staff: staffOf('compliance'), signedIn: true, factor: 'totp' })
    let asked = 0
    server.use(
      http.post('/api/auth/totp', () => {
        asked++
        return calls.mfa.includes(GOOD_CODE)
          ? HttpResponse.json({ secret: 'ABCDEFGHIJKLMNOP', uri: 'otpauth://totp/x' })
          : freshFactorRequired()
      }),
    )
    const user = profile()
    const s = await section()
    await within(s).findByText('Your role must use two-step sign-in.')
    expect(within(s).getByText('On')).toBeTruthy()
    expect(within(s).getByText(/^You give a code from your authenticator app each time you sign in/)).toBeTruthy()

    await user.click(within(s).getByRole('button', { name: 'Set up a new authenticator' }))
    const fresh = await screen.findByRole('dialog', { name: 'Enter your code again' })
    await user.type(within(fresh).getByLabelText(/^Code from your authenticator app/), `${GOOD_CODE}{Enter}`)
    const dialog = await screen.findByRole('dialog', { name: 'Set up a new authenticator' })
    expect(await within(dialog).findByText('ABCD EFGH IJKL MNOP')).toBeTruthy()
    expect(within(dialog).getByText(/your current authenticator and recovery codes stop working/)).toBeTruthy()
    expect(asked).toBe(2)
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(calls.confirm).toEqual([])
  })

  it('speaks Chinese', async () => {
    mfaApi({ staff: staffOf('compliance'), signedIn: true, factor: 'totp' })
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    profile()
    const s = await screen.findByRole('region', { name: '两步登录' }, { timeout: 5000 })
    expect(await within(s).findByText('已开启')).toBeTruthy()
    expect(within(s).getByText('您的角色必须使用两步登录。')).toBeTruthy()
    expect(within(s).getByRole('button', { name: '生成新的恢复码' })).toBeTruthy()
  })
})
