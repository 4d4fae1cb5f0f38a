import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OutgoingMessage } from '../outbox/outbox.transport.js'
import { createTestApp, inParallel, listUrl, tally } from '../../testing.js'

/** Issue 11 item 4: what one admin must not be able to do alone waits for a compliance officer's approval. */
let t: Awaited<ReturnType<typeof createTestApp>>
let admin: string
let officer: string
let sent: OutgoingMessage[]
beforeEach(async () => {
  sent = []
  t = await createTestApp({ config: { transport: { name: 'capture', send: async (m) => (sent.push(m), 'recorded') } } })
  admin = await t.login('admin')
  officer = await t.login('compliance')
})
afterEach(() => t.close())

const newOfficer = { email: 'wu.fang@example.com', name: '吴芳', role: 'compliance' }
const linkToken = (to: string) =>
  /#\/set-password\?token=([\w-]+)/.exec(sent.filter((m) => m.recipient === to).at(-1)?.body ?? '')?.[1] ?? ''
const PASSWORD = 'A-long-enough-password'

async function createPendingOfficer() {
  const created = await t.request('POST', '/api/staff', { cookie: admin, body: newOfficer })
  expect(created.status).toBe(201)
  await t.request('POST', '/api/auth/set-password', { body: { token: linkToken(newOfficer.email), password: PASSWORD } })
  return created.json as { id: number; status: string; pending_grant_id: number; pending_role: string }
}
const signIn = () => t.request('POST', '/api/auth/login', { body: { email: newOfficer.email, password: PASSWORD } })

describe('the compliance role takes two people', () => {
  it('keeps a compliance account an admin creates from signing in until another officer approves it', async () => {
    const created = await createPendingOfficer()
    expect(created).toMatchObject({ status: 'pending', role: 'compliance', pending_role: 'compliance' })
    const refused = await signIn()
    expect(refused.status).toBe(403)
    expect(refused.json.error.code).toBe('account_pending')
    // the admin can neither activate it nor approve the grant
    const activate = await t.request('PUT', `/api/staff/${created.id}`, { cookie: admin, body: { status: 'active' } })
    expect(activate.status).toBe(409)
    expect((await t.request('POST', `/api/grants/${created.pending_grant_id}/approve`, { cookie: admin, body: {} })).status).toBe(403)
    expect((await signIn()).status).toBe(403)
    // the edit form sends the waiting account back whole: a rename goes through, the status stays
    const record = (await t.request('GET', `/api/staff/${created.id}`, { cookie: admin })).json
    const renamed = await t.request('PUT', `/api/staff/${created.id}`, { cookie: admin, body: { ...record, name: '吴芳芳' } })
    expect(renamed.json).toMatchObject({ name: '吴芳芳', status: 'pending', role: 'compliance' })

    const list = await t.request('GET', listUrl('grants', { filter: { status: 'pending' } }), { cookie: officer })
    expect(list.json).toEqual([
      expect.objectContaining({
        id: created.pending_grant_id,
        kind: 'role',
        staff_name: '吴芳芳',
        role: 'compliance',
        requested_by_name: expect.any(String),
      }),
    ])
    const approved = await t.request('POST', `/api/grants/${created.pending_grant_id}/approve`, { cookie: officer, body: {} })
    expect(approved.status).toBe(200)
    expect(approved.json).toMatchObject({ status: 'approved', decided_by: 2 })
    const ok = await signIn()
    expect(ok.status).toBe(200)
    expect(ok.json.role).toBe('compliance')
    const actions = (await t.db.selectFrom('audit_log').select('action').execute()).map((a) => a.action)
    expect(actions).toEqual(expect.arrayContaining(['grant.requested', 'grant.approved']))
  })

  it('leaves a role change to compliance pending; the account keeps its role meanwhile', async () => {
    const res = await t.request('PUT', '/api/staff/1', { cookie: admin, body: { role: 'compliance', name: 'Li Na' } })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ role: 'agent', name: 'Li Na', pending_role: 'compliance' })
    const agent = await t.login('agent')
    expect((await t.request('GET', '/api/auth/me', { cookie: agent })).json.role).toBe('agent')
    // rejected: nothing changes for the agent
    expect((await t.request('POST', `/api/grants/${res.json.pending_grant_id}/reject`, { cookie: officer, body: {} })).json.status).toBe(
      'rejected',
    )
    const after = await t.request('GET', '/api/staff/1', { cookie: admin })
    expect(after.json).toMatchObject({ role: 'agent', status: 'active', pending_role: null })
  })

  it('disables an account created for a grant that is rejected or withdrawn', async () => {
    const created = await createPendingOfficer()
    const cancelled = await t.request('POST', `/api/grants/${created.pending_grant_id}/cancel`, { cookie: admin, body: {} })
    expect(cancelled.json.status).toBe('cancelled')
    expect((await t.request('GET', `/api/staff/${created.id}`, { cookie: admin })).json.status).toBe('disabled')
    expect((await signIn()).status).toBe(401)
    // only whoever asked withdraws; a decided grant stays decided
    expect((await t.request('POST', `/api/grants/${created.pending_grant_id}/approve`, { cookie: officer, body: {} })).status).toBe(409)
  })

  it('lets only the one who asked withdraw, and no one decide a grant twice when 30 try at once', async () => {
    const created = await createPendingOfficer()
    expect((await t.request('POST', `/api/grants/${created.pending_grant_id}/cancel`, { cookie: officer, body: {} })).status).toBe(403)
    await t.addStaff('compliance', 'second.officer@example.com')
    const http = await t.listen()
    const cookies = [await http.login('compliance'), await http.login('second.officer@example.com')]
    const { statuses } = await inParallel(30, (i) =>
      http.request('POST', `/api/grants/${created.pending_grant_id}/${i % 2 ? 'approve' : 'reject'}`, { cookie: cookies[i % 2], body: {} }),
    )
    expect(tally(statuses)[200]).toBe(1)
    expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true)
    const decided = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['grant.approved', 'grant.rejected'])
      .execute()
    expect(decided).toHaveLength(1)
  })

  it('refuses agents and managers the grants desk, and admins the decision', async () => {
    for (const role of ['agent', 'manager'] as const) {
      expect((await t.request('GET', listUrl('grants'), { cookie: await t.login(role) })).status).toBe(403)
    }
    const created = await createPendingOfficer()
    expect((await t.request('POST', `/api/grants/${created.pending_grant_id}/reject`, { cookie: admin, body: {} })).status).toBe(403)
  })
})

describe('settings that take two people', () => {
  const put = (key: string, value: number) => t.request('PUT', `/api/settings/${key}`, { cookie: admin, body: { value } })
  const value = async (key: string) => (await t.request('GET', `/api/settings/${key}`, { cookie: admin })).json.value

  it('waits for approval to lower k; raising it takes effect at once', async () => {
    const lower = await put('k_anonymity', 5)
    expect(lower.status).toBe(202)
    expect(lower.json).toMatchObject({ value: 10, pending_grant: { value: 5 } })
    expect(await value('k_anonymity')).toBe(10)
    const reports = await t.request('GET', '/api/reports/demographics?by=age_band', { cookie: await t.login('manager') })
    expect(reports.json.k).toBe(10)
    const approved = await t.request('POST', `/api/grants/${lower.json.pending_grant.id}/approve`, { cookie: officer, body: {} })
    expect(approved.json).toMatchObject({ kind: 'setting', setting: 'k_anonymity', value: 5, previous_value: 10, status: 'approved' })
    expect(await value('k_anonymity')).toBe(5)
    expect((await put('k_anonymity', 12)).status).toBe(200)
    expect(await value('k_anonymity')).toBe(12)
  })

  it('waits for approval of any change to a verification limit, and of a larger export budget', async () => {
    for (const [key, to] of [
      ['verification_failures_per_day', 10],
      ['unmask_window_minutes', 5],
      ['searches_per_minute', 600],
      ['export_epsilon_per_year', 10],
    ] as const) {
      const res = await put(key, to)
      expect(res.status, key).toBe(202)
    }
    expect((await put('export_epsilon_per_year', 1)).status).toBe(200)
    expect((await put('retention_outbox_days', 60)).status).toBe(200)
  })

  it('keeps one pending request per setting: a new one withdraws the last', async () => {
    const first = await put('k_anonymity', 5)
    const second = await put('k_anonymity', 6)
    const pending = await t.request('GET', listUrl('grants', { filter: { status: 'pending' } }), { cookie: officer })
    expect(pending.json.map((g: { id: number }) => g.id)).toEqual([second.json.pending_grant.id])
    expect((await t.request('GET', `/api/grants/${first.json.pending_grant.id}`, { cookie: officer })).json.status).toBe('cancelled')
  })
})
