import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { AdminContext, HttpError } from 'react-admin'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { httpClient } from '../httpClient'
import { i18nProvider } from '../i18n/i18nProvider'
import { server, staffOf } from '../test/server'
import { FreshProofDialog } from './FreshProofDialog'
import { freshFactorRequired, GOOD_CODE, mfaApi, NEW_RECOVERY } from './testApi'

const LI_NA = { id: 1, email: 'li.na@example.com', name: 'Li Na', role: 'agent', status: 'active', last_login_at: null }

describe('a dangerous act after the fresh window', () => {
  it('asks for the code in a dialog that says why, then repeats the data provider’s save once', async () => {
    const calls = mfaApi({ staff: staffOf('admin'), signedIn: true, factor: 'totp' })
    const puts: unknown[] = []
    server.use(
      http.get('/api/staff/1', () => HttpResponse.json(LI_NA)),
      http.get('/api/staff/1/sessions', () => HttpResponse.json([])),
      http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/2' } })),
      http.put('/api/staff/1', async ({ request }) => {
        puts.push(await request.json())
        return calls.mfa.includes(GOOD_CODE) ? HttpResponse.json({ ...LI_NA, name: 'Li Na (Shanghai)' }) : freshFactorRequired()
      }),
    )
    window.location.hash = '#/staff/1'
    render(<App />)
    const user = userEvent.setup()
    const name = await screen.findByLabelText(/^name/i, {}, { timeout: 5000 })
    await user.clear(name)
    await user.type(name, 'Li Na (Shanghai)')
    await user.click(screen.getByRole('button', { name: /save/i }))

    const dialog = await screen.findByRole('dialog', { name: 'Enter your code again' })
    expect(within(dialog).getByText(/^This action needs your authenticator code again/)).toBeTruthy()
    expect(within(dialog).getByText(/A recovery code works too/)).toBeTruthy()
    const code = within(dialog).getByLabelText(/^Code from your authenticator app/) as HTMLInputElement
    expect(document.activeElement).toBe(code)
    expect(code.autocomplete).toBe('one-time-code')
    expect(code.inputMode).toBe('numeric')

    await user.type(code, '000000{Enter}')
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/^That code is not right/)
    expect(puts).toHaveLength(1)

    await user.type(code, `${GOOD_CODE}{Enter}`)
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    await waitFor(() => expect(puts).toHaveLength(2))
    expect(puts[1]).toEqual(puts[0])
    expect(puts[1]).toMatchObject({ name: 'Li Na (Shanghai)' })
    expect(calls.mfa).toEqual(['000000', GOOD_CODE])
  })

  it('Cancel makes a custom call fail with a message that says why, and sends nothing again', async () => {
    const calls = mfaApi({ staff: staffOf('compliance'), signedIn: true, factor: 'totp' })
    let renewals = 0
    server.use(
      http.get('/api/auth/sessions', () => HttpResponse.json([])),
      http.post('/api/auth/recovery-codes', () => (++renewals, freshFactorRequired())),
    )
    window.location.hash = '#/sessions'
    render(<App />)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }, { timeout: 5000 }))
    await user.click(await screen.findByRole('button', { name: 'Make new codes' }))
    const dialog = await screen.findByRole('dialog', { name: 'Enter your code again' })
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(await screen.findByText('Not done: this action needs your authenticator code again, and none was given.')).toBeTruthy()
    expect(renewals).toBe(1)
    expect(calls.mfa).toEqual([])
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).toBeNull()
  })

  it('Escape cancels too; giving the code then shows the new recovery codes once', async () => {
    const calls = mfaApi({ staff: staffOf('compliance'), signedIn: true, factor: 'totp' })
    server.use(
      http.get('/api/auth/sessions', () => HttpResponse.json([])),
      http.post('/api/auth/recovery-codes', () =>
        calls.mfa.includes(GOOD_CODE) ? HttpResponse.json({ recoveryCodes: NEW_RECOVERY }) : freshFactorRequired(),
      ),
    )
    window.location.hash = '#/sessions'
    render(<App />)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }, { timeout: 5000 }))
    await user.click(await screen.findByRole('button', { name: 'Make new codes' }))
    await screen.findByRole('dialog', { name: 'Enter your code again' })
    await user.keyboard('{Escape}')
    expect(await screen.findByText(/^Not done: this action needs your authenticator code again/)).toBeTruthy()

    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }))
    await user.click(await screen.findByRole('button', { name: 'Make new codes' }))
    await screen.findByRole('dialog', { name: 'Enter your code again' })
    await user.keyboard(`${GOOD_CODE}{Enter}`)
    const codes = await screen.findByRole('dialog', { name: 'Save your recovery codes' })
    expect(
      within(codes)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(NEW_RECOVERY)
    // shown once: Escape does not close them away
    await user.keyboard('{Escape}')
    expect(screen.getByRole('dialog', { name: 'Save your recovery codes' })).toBeTruthy()
    await user.click(within(codes).getByRole('checkbox', { name: 'I have saved these codes' }))
    await user.click(within(codes).getByRole('button', { name: 'Done' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(screen.queryByText(NEW_RECOVERY[0]!)).toBeNull()
  })
})

describe('fresh proof in httpClient', () => {
  it('asks once for calls refused together, and repeats each of them', async () => {
    const calls = mfaApi({ signedIn: true, factor: 'totp' })
    const seen: string[] = []
    server.use(
      http.post('/api/things/:n', ({ params }) => {
        seen.push(String(params.n))
        return calls.mfa.includes(GOOD_CODE) ? HttpResponse.json({ n: params.n }) : freshFactorRequired()
      }),
    )
    await i18nProvider.changeLocale('en')
    render(
      <AdminContext i18nProvider={i18nProvider}>
        <FreshProofDialog />
      </AdminContext>,
    )
    const both = Promise.all([httpClient('/api/things/1', { method: 'POST' }), httpClient('/api/things/2', { method: 'POST' })])
    const dialogs = await screen.findAllByRole('dialog', { name: 'Enter your code again' })
    expect(dialogs).toHaveLength(1)
    await userEvent.setup().keyboard(`${GOOD_CODE}{Enter}`)
    expect((await both).map((r) => r.json)).toEqual([{ n: '1' }, { n: '2' }])
    expect(calls.mfa).toEqual([GOOD_CODE])
    expect(seen.sort()).toEqual(['1', '1', '2', '2'])
  })

  it('where nothing on screen can ask (no layout), the refusal passes through as the API said it', async () => {
    server.use(http.post('/api/things/1', () => freshFactorRequired()))
    const refused = await httpClient('/api/things/1', { method: 'POST' }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(HttpError)
    expect((refused as HttpError).status).toBe(403)
    expect((refused as HttpError).message).toMatch(/^This action needs your authenticator code again/)
  })
})
