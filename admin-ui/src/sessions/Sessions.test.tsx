import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { AdminContext } from 'react-admin'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { authProvider } from '../authProvider'
import { dataProvider } from '../dataProvider'
import { i18nProvider } from '../i18n/i18nProvider'
import { server, signedInAs } from '../test/server'
import { StaffSessions } from '.'
import type { Session } from './types'

const LAPTOP: Session = {
  id: 'a'.repeat(32),
  createdAt: '2026-11-27T08:00:00Z',
  lastSeenAt: '2026-11-27T09:30:00Z',
  expiresAt: '2026-11-27T20:00:00Z',
  ip: '203.0.113.7',
  browser: 'Firefox',
  os: 'Windows',
  current: true,
  stage: 'signed_in',
}
const PHONE: Session = { ...LAPTOP, id: 'b'.repeat(32), ip: '198.51.100.4', browser: 'Safari', os: 'iOS', current: false }

/** The sessions API behind `path`; answers the handles DELETE was called with, and drops ended ones from the list. */
function sessionsApi(path: string, sessions: Session[]) {
  const ended: string[] = []
  server.use(
    http.get(`/api/${path}`, () => HttpResponse.json(sessions.filter((s) => !ended.includes(s.id)))),
    http.delete(`/api/${path}/:sid`, ({ params }) => {
      ended.push(String(params.sid))
      return new HttpResponse(null, { status: 204 })
    }),
  )
  return ended
}

describe('my sessions', () => {
  it('is in the user menu, and lists each browser with its address and which one is this', async () => {
    server.use(...signedInAs('agent'))
    sessionsApi('auth/sessions', [LAPTOP, PHONE])
    window.location.hash = '#/'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: /Profile$/ }, { timeout: 5000 }))
    await userEvent.click(await screen.findByRole('menuitem', { name: 'My sessions' }))
    expect(await screen.findByRole('heading', { name: 'My sessions' }, { timeout: 5000 })).toBeTruthy()
    const laptop = (await screen.findByRole('heading', { name: /Firefox on Windows/ })).closest('li')!
    expect(within(laptop).getByText('This browser')).toBeTruthy()
    expect(within(laptop).getByText(/203\.0\.113\.7/)).toBeTruthy()
    expect(within(laptop).getByRole('button', { name: /^Sign out this browser: Firefox on Windows/ })).toBeTruthy()
    const phone = screen.getByRole('heading', { name: 'Safari on iOS' }).closest('li')!
    expect(within(phone).queryByText('This browser')).toBeNull()
    expect(within(phone).getByRole('button', { name: /^End session: Safari on iOS, last seen/ })).toBeTruthy()
  })

  it('ending another browser asks once, naming it; Escape keeps it, confirming ends it', async () => {
    server.use(...signedInAs('agent'))
    const ended = sessionsApi('auth/sessions', [LAPTOP, PHONE])
    window.location.hash = '#/sessions'
    render(<App />)
    const end = await screen.findByRole('button', { name: /^End session: Safari on iOS/ }, { timeout: 5000 })
    await userEvent.click(end)
    const dialog = await screen.findByRole('dialog', { name: 'End the session on Safari on iOS?' })
    expect(within(dialog).getByText(/Safari on iOS will be signed out at once/)).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'End session' }))
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(ended).toEqual([])

    await userEvent.click(screen.getByRole('button', { name: /^End session: Safari on iOS/ }))
    await screen.findByRole('dialog')
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(ended).toEqual([PHONE.id]))
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Safari on iOS' })).toBeNull())
    expect(screen.getByRole('heading', { name: /Firefox on Windows/ })).toBeTruthy()
  })

  it('ending this browser’s own session signs out at once', async () => {
    server.use(...signedInAs('agent'))
    const ended = sessionsApi('auth/sessions', [LAPTOP, PHONE])
    window.location.hash = '#/sessions'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: /^Sign out this browser/ }, { timeout: 5000 }))
    await waitFor(() => expect(ended).toEqual([LAPTOP.id]))
    await waitFor(() => expect(window.location.hash).toMatch(/^#\/login/))
  })

  it('speaks Chinese when the console does', async () => {
    server.use(...signedInAs('agent'))
    sessionsApi('auth/sessions', [{ ...PHONE, browser: null, os: null }])
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    window.location.hash = '#/sessions'
    render(<App />)
    expect(await screen.findByRole('heading', { name: '我的会话' }, { timeout: 5000 })).toBeTruthy()
    expect(await screen.findByRole('heading', { name: '未知系统 上的 未知浏览器' })).toBeTruthy()
    expect(screen.getByRole('button', { name: /^结束会话：/ })).toBeTruthy()
  })
})

describe('a staff member’s sessions, for the admin', () => {
  it('names whose session ends, and ends it through the admin route', async () => {
    server.use(...signedInAs('admin'))
    const ended = sessionsApi('staff/1/sessions', [{ ...PHONE }])
    await i18nProvider.changeLocale('en')
    render(
      <AdminContext dataProvider={dataProvider} i18nProvider={i18nProvider} authProvider={authProvider}>
        <StaffSessions staffId={1} name="Li Na" />
      </AdminContext>,
    )
    expect(await screen.findByRole('heading', { name: 'Sessions of Li Na' }, { timeout: 5000 })).toBeTruthy()
    await userEvent.click(await screen.findByRole('button', { name: /^End session: Safari on iOS/ }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText('Li Na will be signed out of Safari on iOS at once and must sign in again.')).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'End session' }))
    await waitFor(() => expect(ended).toEqual([PHONE.id]))
    expect(await screen.findByText('No browser is signed in.')).toBeTruthy()
  })
})
