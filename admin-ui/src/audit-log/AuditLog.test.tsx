import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

const AT = '2026-11-27T12:00:00.000Z'
const entries = [
  {
    id: 30,
    at: AT,
    actor_id: 3,
    actor_name: 'Li Na',
    actor_role: 'agent',
    action: 'customer.read_unmasked',
    entity_type: 'customer',
    entity_id: '16',
    customer_id: 16,
    staff_id: null,
    staff_name: null,
    ip: '::1',
    details: { basis: 'break_glass' },
    reason: 'Fraud investigation 2026-118',
  },
  {
    id: 29,
    at: AT,
    actor_id: null,
    actor_name: null,
    actor_role: null,
    action: 'flag.agent_failing',
    entity_type: 'flag',
    entity_id: '4',
    customer_id: null,
    staff_id: 3,
    staff_name: 'Li Na',
    ip: '203.0.113.9',
    details: { staff_id: 3 },
    reason: null,
  },
  {
    id: 28,
    at: AT,
    actor_id: 3,
    actor_name: 'Li Na',
    actor_role: 'agent',
    action: 'customer.search',
    entity_type: null,
    entity_id: null,
    customer_id: null,
    ip: '127.0.0.1',
    details: { kind: null, results: 0, customers: [] },
    reason: null,
  },
]
const staff = [
  { id: 3, name: 'Li Na', role: 'agent' },
  { id: 4, name: 'Chen Jing', role: 'compliance' },
]

/** The audit API: the list (recording each query's filter), the staff list and the chain check, kept like the server keeps it. */
function auditApi() {
  const filters: Record<string, unknown>[] = []
  let latest: unknown = null
  server.use(
    ...signedInAs('compliance'),
    http.get('/api/audit-log', ({ request }) => {
      const filter = JSON.parse(new URL(request.url).searchParams.get('filter') ?? '{}') as Record<string, unknown>
      filters.push(filter)
      const rows = entries.filter(
        (e) => (!filter.action || e.action === filter.action) && (!filter.actor_id || e.actor_id === filter.actor_id),
      )
      return HttpResponse.json(rows, { headers: { 'Content-Range': `audit-log 0-${Math.max(rows.length - 1, 0)}/${rows.length}` } })
    }),
    http.get('/api/audit-log/staff', () => HttpResponse.json(staff)),
    http.get('/api/audit-log/verify/latest', () => HttpResponse.json({ run: latest })),
    http.post('/api/audit-log/verify', () => {
      latest = { at: AT, by: 'Chen Jing', ok: true, checked: 1234, firstBroken: null, checkpoint: null }
      return HttpResponse.json({ ...(latest as object), message: 'Audit chain intact' })
    }),
  )
  return filters
}

describe('the audit desk', () => {
  it('says each entry as a sentence, with readable details and addresses, never a raw null', async () => {
    auditApi()
    window.location.hash = '#/audit-log'
    render(<App />)
    expect(
      await screen.findByText(
        'Li Na opened customer #16 unmasked (written reason); reason: “Fraud investigation 2026-118”',
        {},
        { timeout: 5000 },
      ),
    ).toBeTruthy()
    expect(screen.getByText('Verity flagged Li Na: failing verifications across customers (paused)')).toBeTruthy()
    expect(screen.getByText('Li Na searched customers: 0 found')).toBeTruthy()
    expect(screen.getAllByText('this machine')).toHaveLength(2)
    expect(screen.getByLabelText('this machine (::1)')).toBeTruthy()
    expect(screen.getByText('203.0.113.9')).toBeTruthy()
    expect(screen.getByText('Basis')).toBeTruthy()
    expect(screen.getByText('written reason')).toBeTruthy()
    const table = screen.getByRole('table')
    expect(table.textContent).not.toMatch(/\bnull\b|customer\.read_unmasked|staff_id|%\{/)
    expect(document.getElementById('react-admin-title')?.textContent).toBe('Audit log')
  })

  it('filters by an action chosen by name and by a staff member chosen by name', async () => {
    const filters = auditApi()
    window.location.hash = '#/audit-log'
    render(<App />)
    await screen.findByText(/Li Na opened customer #16/, {}, { timeout: 5000 })
    const user = userEvent.setup()
    await user.click(screen.getByRole('combobox', { name: 'Action' }))
    await user.type(screen.getByRole('combobox', { name: 'Action' }), 'unmasked')
    await user.click(await screen.findByRole('option', { name: 'Customer opened unmasked' }))
    await waitFor(() => expect(filters.at(-1)).toMatchObject({ action: 'customer.read_unmasked' }))
    await waitFor(() => expect(screen.queryByText(/Verity flagged Li Na/)).toBeNull())

    await user.click(screen.getByRole('combobox', { name: 'Staff member' }))
    await user.click(await screen.findByRole('option', { name: 'Li Na (Agent)' }))
    await waitFor(() => expect(filters.at(-1)).toMatchObject({ action: 'customer.read_unmasked', actor_id: 3 }))
  }, 60_000)

  it('keeps the chain check’s result on the page, with when it ran and how many entries it covered', async () => {
    auditApi()
    window.location.hash = '#/audit-log'
    render(<App />)
    expect(await screen.findByText('The chain has not been checked yet.', {}, { timeout: 5000 })).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Check chain' }))
    const status = await screen.findByText(/Chain intact: 1234 entries checked\./)
    expect(status.textContent).toMatch(/Checked .*2026.* by Chen Jing\./)
    // still there a while later (not a toast), and read back from the server after a reload
    await new Promise((r) => setTimeout(r, 300))
    expect(screen.getByText(/Chain intact: 1234 entries checked\./)).toBeTruthy()
    cleanup()
    render(<App />)
    expect((await screen.findByText(/Chain intact: 1234 entries checked\./, {}, { timeout: 5000 })).textContent).toMatch(/by Chen Jing/)
  })

  it('speaks Chinese with Chinese dates when the console is in Chinese', async () => {
    auditApi()
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    window.location.hash = '#/audit-log'
    render(<App />)
    expect(
      await screen.findByText('Li Na 以明文查看了客户 #16（书面理由）；理由：“Fraud investigation 2026-118”', {}, { timeout: 5000 }),
    ).toBeTruthy()
    expect(screen.getAllByText('本机')).toHaveLength(2)
    const table = screen.getByRole('table')
    expect(within(table).getAllByText(/^2026年11月27日/).length).toBe(3)
    expect(document.getElementById('react-admin-title')?.textContent).toBe('审计日志')
    expect(table.textContent).not.toMatch(/\bnull\b|opened|%\{/)
  })
})
