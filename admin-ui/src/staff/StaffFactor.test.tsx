import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

const LI_NA = {
  id: 1,
  email: 'li.na@example.com',
  name: 'Li Na',
  role: 'compliance',
  status: 'active',
  last_login_at: null,
  factor: 'totp',
  lacks_factor: false,
}
const ZHOU_MIN = { ...LI_NA, id: 2, email: 'zhou.min@example.com', name: 'Zhou Min', role: 'admin', factor: null, lacks_factor: true }
const XU_LAN = { ...LI_NA, id: 3, email: 'xu.lan@example.com', name: 'Xu Lan', role: 'agent', factor: null, lacks_factor: false }

describe('staff and their second factor, for the admin', () => {
  it('the list says who has one, and who lacks one their role requires', async () => {
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff', () => HttpResponse.json([LI_NA, ZHOU_MIN, XU_LAN], { headers: { 'Content-Range': 'staff 0-2/3' } })),
    )
    window.location.hash = '#/staff'
    render(<App />)
    expect(await screen.findByRole('columnheader', { name: 'Two-step sign-in' }, { timeout: 5000 })).toBeTruthy()
    const row = (name: string) => screen.getByRole('cell', { name }).closest('tr')!
    expect(within(row('Li Na')).getByText('On')).toBeTruthy()
    expect(within(row('Zhou Min')).getByText('Missing: required')).toBeTruthy()
    expect(within(row('Xu Lan')).getByText('Off')).toBeTruthy()
  })

  it('removing a lost factor says what follows, Escape keeps it, confirming removes it', async () => {
    const removed: string[] = []
    let record = LI_NA
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff/1', () => HttpResponse.json(record)),
      http.get('/api/staff/1/sessions', () => HttpResponse.json([])),
      http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/2' } })),
      http.delete('/api/staff/1/factor', ({ params }) => {
        removed.push(String(params.id ?? 1))
        record = { ...LI_NA, factor: null, lacks_factor: true } as unknown as typeof LI_NA
        return new HttpResponse(null, { status: 204 })
      }),
    )
    window.location.hash = '#/staff/1'
    render(<App />)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Remove second factor' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog', { name: 'Remove the second factor of Li Na?' })
    expect(within(dialog).getByText(/stop working at once, and they are signed out everywhere/)).toBeTruthy()
    expect(within(dialog).getByText(/At their next sign-in they must set up two-step sign-in again/)).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Remove and sign out' }))
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(removed).toEqual([])

    await user.click(screen.getByRole('button', { name: 'Remove second factor' }))
    await screen.findByRole('dialog')
    await user.keyboard('{Enter}')
    await waitFor(() => expect(removed).toHaveLength(1))
    expect(await screen.findByText(/^Second factor removed: Li Na is signed out/)).toBeTruthy()
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Remove second factor' })).toBeNull())
  })

  for (const [who, record] of [
    ['where there is no factor', XU_LAN],
    ['on one’s own account (the profile sets up a new one)', { ...LI_NA, id: 7, name: 'Wang Fang', role: 'admin' }],
  ] as const) {
    it(`is not offered ${who}`, async () => {
      server.use(
        ...signedInAs('admin'),
        http.get(`/api/staff/${record.id}`, () => HttpResponse.json(record)),
        http.get(`/api/staff/${record.id}/sessions`, () => HttpResponse.json([])),
        http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/2' } })),
      )
      window.location.hash = `#/staff/${record.id}`
      render(<App />)
      await screen.findByDisplayValue(record.name, {}, { timeout: 5000 })
      await screen.findByRole('heading', { name: `Sessions of ${record.name}` })
      expect(screen.queryByRole('button', { name: 'Remove second factor' })).toBeNull()
    })
  }
})
