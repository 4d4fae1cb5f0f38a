import type { DisclosureStatus, FlagKind, StaffRole } from '@verity/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, listUrl } from '../../testing.js'

let t: Awaited<ReturnType<typeof createTestApp>>
const cookies: Record<string, string> = {}
const DAY = 86_400_000
const at = (days: number) => new Date(Date.now() + days * DAY).toISOString()

/** The list's own total for a filter, read as the console reads it. */
async function total(resource: string, filter: object, cookie: string) {
  const res = await t.request('GET', listUrl(resource, { filter, range: [0, 0] }), { cookie })
  expect(res.status).toBe(200)
  return Number(res.headers.get('content-range')!.split('/')[1])
}

beforeAll(async () => {
  t = await createTestApp({ customers: 20 })
  for (const role of ['agent', 'compliance', 'manager', 'admin'] as const) cookies[role] = await t.login(role)
  const rows = await t.db.selectFrom('staff_users').select(['id', 'role']).execute()
  const staff = Object.fromEntries(rows.map((s) => [s.role, s.id])) as Record<StaffRole, number>

  // Requests: the agent files some, compliance the rest; due dates past, within the week and beyond it; some settled.
  const request = (customer: number, filedBy: number, dueInDays: number, status: 'pending' | 'completed' = 'pending') => ({
    customer_id: customer,
    type: 'access' as const,
    status,
    filed_by: filedBy,
    created_at: at(-20),
    updated_at: at(-20),
    due_at: at(dueInDays),
    channel: 'phone',
  })
  await t.db
    .insertInto('data_requests')
    .values([
      request(1, staff.agent, -3),
      request(2, staff.agent, 2),
      request(3, staff.agent, 20),
      request(4, staff.agent, 30),
      request(5, staff.compliance, -1),
      request(6, staff.compliance, -9),
      request(7, staff.compliance, 6),
      request(8, staff.compliance, -5, 'completed'),
      request(9, staff.compliance, 3, 'completed'),
    ])
    .execute()

  // Disclosures: produced without notice (notice due), one still under a delay order, emergency ones closed with and without review.
  const disclosure = (type: 'subpoena' | 'emergency', status: DisclosureStatus, extra: object = {}) => ({
    type,
    status,
    authority: 'Police',
    jurisdiction: 'US',
    legal_basis: 'Statute',
    case_number: `C-${Math.random()}`,
    received_at: at(-10),
    partial: 0,
    created_by: staff.compliance,
    created_at: at(-10),
    updated_at: at(-10),
    ...extra,
  })
  await t.db
    .insertInto('disclosures')
    .values([
      disclosure('subpoena', 'disclosed', { closed_at: at(-2) }),
      disclosure('subpoena', 'partially_disclosed', { closed_at: at(-2) }),
      disclosure('subpoena', 'disclosed', { closed_at: at(-2), nondisclosure_until: at(40) }),
      disclosure('subpoena', 'disclosed', { closed_at: at(-2), customer_notified_at: at(-1) }),
      disclosure('emergency', 'disclosed', { closed_at: at(-1), customer_notified_at: at(-1) }),
      disclosure('emergency', 'disclosed', { closed_at: at(-1), customer_notified_at: at(-1), post_review_at: at(0) }),
      disclosure('subpoena', 'received'),
    ])
    .execute()

  const flag = (kind: FlagKind, resolved = false) => ({
    kind,
    staff_id: staff.agent,
    details: '{}',
    created_at: at(-1),
    resolved_at: resolved ? at(0) : null,
    resolved_by: resolved ? staff.compliance : null,
  })
  await t.db
    .insertInto('flags')
    .values([flag('search_rate'), flag('search_rate'), flag('agent_probing'), flag('agent_failing', true)])
    .execute()

  const message = (status: 'failed' | 'sent') => ({
    channel: 'email' as const,
    template: 'request_receipt',
    recipient: 'someone@example.com',
    payload: '{}',
    status,
    created_at: at(-1),
    sent_at: null,
  })
  await t.db
    .insertInto('outbox')
    .values([message('failed'), message('sent'), message('failed')])
    .execute()
  await t.addStaff('agent', 'gone@example.com')
  await t.db.updateTable('staff_users').set({ status: 'disabled' }).where('email', '=', 'gone@example.com').execute()
})
afterAll(() => t.close())

describe('GET /api/dashboard', () => {
  it('refuses anyone not signed in', async () => {
    expect((await t.request('GET', '/api/dashboard')).status).toBe(401)
  })

  it('gives compliance its queues, each the total of the list it links to', async () => {
    const res = await t.request('GET', '/api/dashboard', { cookie: cookies.compliance })
    expect(res.status).toBe(200)
    const d = res.json
    expect(d.role).toBe('compliance')
    expect(d.requests).toEqual({ overdue: 3, this_week: 2, later: 2 })
    expect(d.disclosures).toEqual({ notice_due: 2, review_due: 1, holds: 0 })
    expect(d.outbox).toEqual({ failed: 2 })
    expect(d.flags.open).toBe(3)
    expect(d.flags.kinds).toMatchObject({ search_rate: 2, agent_probing: 1, agent_failing: 0, verification_locked: 0 })
    expect(d.grants).toEqual({ pending: 0 })
    expect(Object.keys(d).sort()).toEqual(['disclosures', 'flags', 'grants', 'outbox', 'requests', 'role'])

    const c = cookies.compliance!
    for (const due of ['overdue', 'this_week', 'later']) expect(await total('requests', { due }, c)).toBe(d.requests[due])
    for (const queue of ['notice_due', 'review_due', 'holds']) expect(await total('disclosures', { queue }, c)).toBe(d.disclosures[queue])
    expect(await total('outbox', { status: 'failed' }, c)).toBe(d.outbox.failed)
    expect(await total('flags', { open: true }, c)).toBe(d.flags.open)
    for (const [kind, n] of Object.entries(d.flags.kinds)) expect(await total('flags', { open: true, kind }, c)).toBe(n)
    expect(await total('grants', { status: 'pending' }, c)).toBe(d.grants.pending)
  })

  it('gives an agent only the requests they filed, and nothing of compliance’s', async () => {
    const res = await t.request('GET', '/api/dashboard', { cookie: cookies.agent })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ role: 'agent', requests: { overdue: 1, this_week: 1, later: 2 } })
    for (const due of ['overdue', 'this_week', 'later'])
      expect(await total('requests', { due }, cookies.agent!)).toBe(res.json.requests[due])
  })

  it('gives an admin the staff counts and no casework', async () => {
    const res = await t.request('GET', '/api/dashboard', { cookie: cookies.admin })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ role: 'admin', staff: { active: 4, disabled: 1 }, grants: { pending: 0 } })
    for (const status of ['active', 'disabled'] as const)
      expect(await total('staff', { status }, cookies.admin!)).toBe(res.json.staff[status])
  })

  it('gives a manager no counts at all', async () => {
    const res = await t.request('GET', '/api/dashboard', { cookie: cookies.manager })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ role: 'manager' })
  })

  it('counts a request once its due date passes, and drops it once settled', async () => {
    const before = (await t.request('GET', '/api/dashboard', { cookie: cookies.compliance })).json.requests
    const { id } = await t.db.selectFrom('data_requests').select('id').where('customer_id', '=', 7).executeTakeFirstOrThrow()
    await t.db
      .updateTable('data_requests')
      .set({ due_at: at(-1) })
      .where('id', '=', id)
      .execute()
    const moved = (await t.request('GET', '/api/dashboard', { cookie: cookies.compliance })).json.requests
    expect(moved).toEqual({ ...before, overdue: before.overdue + 1, this_week: before.this_week - 1 })
    await t.db.updateTable('data_requests').set({ status: 'completed' }).where('id', '=', id).execute()
    const settled = (await t.request('GET', '/api/dashboard', { cookie: cookies.compliance })).json.requests
    expect(settled).toEqual({ ...before, this_week: before.this_week - 1 })
  })
})
