import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

const LI_NA = { id: 1, email: 'li.na@example.com', name: 'Li Na', role: 'agent', status: 'active', last_login_at: null }

/** The API of one staff account as an admin sees it; every PUT is kept to look at. */
function staffApi(record: typeof LI_NA, activeAdmins = 2) {
  const sent: Record<string, unknown>[] = []
  server.use(
    ...signedInAs('admin'),
    http.get(`/api/staff/${record.id}`, () => HttpResponse.json(record)),
    // the edit page lists the account's sessions (sessions/SessionList.tsx)
    http.get(`/api/staff/${record.id}/sessions`, () => HttpResponse.json([])),
    http.put(`/api/staff/${record.id}`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>
      sent.push(body)
      return HttpResponse.json({ ...record, ...body })
    }),
    http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': `staff 0-0/${activeAdmins}` } })),
  )
  window.location.hash = `#/staff/${record.id}`
  render(<App />)
  return sent
}

async function choose(label: RegExp, option: string) {
  await userEvent.click(await screen.findByLabelText(label, {}, { timeout: 5000 }))
  await userEvent.click(await screen.findByRole('option', { name: option }))
}

describe('changing a colleague’s role', () => {
  it('asks once, naming what the new role sees and that they are signed out; Escape keeps everything as it was', async () => {
    const sent = staffApi(LI_NA)
    await choose(/^role/i, 'Manager')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    const dialog = await screen.findByRole('dialog', { name: 'Save the changes to Li Na?' })
    expect(
      within(dialog).getByText('Li Na becomes a manager: they will no longer see customers’ records, only aggregate reports.'),
    ).toBeTruthy()
    expect(within(dialog).getByText(/Li Na will be signed out at once/)).toBeTruthy()
    const confirm = within(dialog).getByRole('button', { name: 'Change role' })
    expect(document.activeElement).toBe(confirm)
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(sent).toEqual([])

    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    await screen.findByRole('dialog', { name: 'Save the changes to Li Na?' })
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ role: 'manager', status: 'active' })
  })

  it('saves a new name at once: nothing follows from it', async () => {
    const sent = staffApi(LI_NA)
    const name = await screen.findByLabelText(/^name/i, {}, { timeout: 5000 })
    await userEvent.clear(name)
    await userEvent.type(name, 'Li Na (Shanghai)')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ name: 'Li Na (Shanghai)', role: 'agent' })
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})

describe('disabling a colleague', () => {
  it('says they will be signed out and can no longer sign in, then disables on confirming', async () => {
    const sent = staffApi(LI_NA)
    await choose(/^status/i, 'Disabled')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    const dialog = await screen.findByRole('dialog', { name: 'Save the changes to Li Na?' })
    expect(within(dialog).getByText('Li Na will be signed out and can no longer sign in.')).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable Li Na' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ status: 'disabled' })
  })
})

describe('what the server would refuse is not offered', () => {
  it('an admin cannot change their own role or disable themself', async () => {
    staffApi({ ...LI_NA, id: 7, name: 'Wang Fang', role: 'admin' })
    const role = await screen.findByLabelText(/^role/i, {}, { timeout: 5000 })
    await waitFor(() => expect(role.getAttribute('aria-disabled')).toBe('true'))
    expect(screen.getByLabelText(/^status/i).getAttribute('aria-disabled')).toBe('true')
    expect(screen.getAllByText('You cannot change your own role or disable your own account.')).toHaveLength(2)
  })

  it('the only active admin keeps that role', async () => {
    staffApi({ ...LI_NA, id: 4, name: 'Zhou Min', role: 'admin' }, 1)
    const role = await screen.findByLabelText(/^role/i, {}, { timeout: 5000 })
    await waitFor(() => expect(role.getAttribute('aria-disabled')).toBe('true'))
    expect(screen.getAllByText(/at least one must remain/)).toHaveLength(2)
  })

  it('another admin, with a second one active, can be changed', async () => {
    staffApi({ ...LI_NA, id: 4, name: 'Zhou Min', role: 'admin' }, 2)
    const role = await screen.findByLabelText(/^role/i, {}, { timeout: 5000 })
    await screen.findByDisplayValue('Zhou Min')
    expect(role.getAttribute('aria-disabled')).toBeNull()
  })
})

describe('passwords: nobody chooses another person’s', () => {
  it('the create form has no password and says a link will be emailed', async () => {
    const sent: unknown[] = []
    server.use(
      ...signedInAs('admin'),
      http.post('/api/staff', async ({ request }) => {
        const body = await request.json()
        sent.push(body)
        return HttpResponse.json({ id: 9, ...(body as object), status: 'active', last_login_at: null }, { status: 201 })
      }),
      http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/0' } })),
    )
    window.location.hash = '#/staff/create'
    render(<App />)
    await screen.findByText(/gets an email with a link to choose their own/, {}, { timeout: 5000 })
    expect(screen.queryByLabelText(/password/i)).toBeNull()
    await userEvent.type(screen.getByLabelText(/^name/i), 'Xu Lan')
    await userEvent.type(screen.getByLabelText(/^email/i), 'xu.lan@example.com')
    await choose(/^role/i, 'Agent')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual({ name: 'Xu Lan', email: 'xu.lan@example.com', role: 'agent' })
  })

  it('a reset asks first, naming that the password stops working and sessions end, then sends the link', async () => {
    const posted: unknown[] = []
    server.use(
      http.post('/api/staff/1/password', async ({ request }) => {
        posted.push(await request.json())
        return HttpResponse.json({ outboxId: 3, status: 'sent', recipient: 'l***@example.com', expiresAt: '2026-11-28T00:00:00Z' })
      }),
    )
    staffApi(LI_NA)
    await userEvent.click(await screen.findByRole('button', { name: 'Send a set-password link' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog', { name: 'Reset the password of Li Na?' })
    expect(within(dialog).getByText(/current password stops working at once and they are signed out everywhere/)).toBeTruthy()
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(posted).toEqual([])
    await userEvent.click(screen.getByRole('button', { name: 'Send a set-password link' }))
    await userEvent.click(await screen.findByRole('button', { name: 'Reset and send the link' }))
    await waitFor(() => expect(posted).toEqual([{}]))
    expect(await screen.findByText('Link sent to l***@example.com. Their sessions have ended.')).toBeTruthy()
  })

  it('no reset is offered on one’s own account', async () => {
    staffApi({ ...LI_NA, id: 7, name: 'Wang Fang', role: 'admin' })
    await screen.findByDisplayValue('Wang Fang', {}, { timeout: 5000 })
    expect(screen.queryByRole('button', { name: 'Send a set-password link' })).toBeNull()
  })
})
