import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OutgoingMessage } from '../outbox/outbox.transport.js'
import { createTestApp, inParallel, listUrl, tally, TEST_PASSWORD } from '../../testing.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: string
/** every message the app handed to its transport, link included */
let sent: OutgoingMessage[]
beforeEach(async () => {
  sent = []
  t = await createTestApp({ config: { transport: { name: 'capture', send: async (m) => (sent.push(m), 'recorded') } } })
  admin = await t.login('admin')
})
afterEach(() => t.close())

const newStaff = { email: 'Zhou.Min@Example.com', name: 'Zhou Min', role: 'agent' }
const chosen = 'A-long-enough-password'
/** The token of the last set-password link emailed to an address. */
const lastToken = (to: string) => {
  const body = sent.filter((m) => m.recipient === to).at(-1)?.body ?? ''
  return /#\/set-password\?token=([\w-]+)/.exec(body)?.[1] ?? ''
}

describe('staff accounts', () => {
  it('are created, listed and read without any credential', async () => {
    const created = await t.request('POST', '/api/staff', { cookie: admin, body: newStaff })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ email: 'zhou.min@example.com', name: 'Zhou Min', role: 'agent', status: 'active' })
    const list = await t.request('GET', listUrl('staff'), { cookie: admin })
    const one = await t.request('GET', `/api/staff/${created.json.id}`, { cookie: admin })
    for (const text of [created.text, list.text, one.text]) {
      expect(text).not.toMatch(/password|argon2|hash/i)
    }
    expect(Object.keys(one.json).sort()).toEqual([
      'created_at',
      'email',
      'factor',
      'id',
      'lacks_factor',
      'last_login_at',
      'name',
      'pending_grant_id',
      'pending_role',
      'role',
      'status',
      'updated_at',
    ])
    // no password until the emailed link is used
    const token = lastToken('zhou.min@example.com')
    expect(token).toMatch(/^[\w-]{43}$/)
    expect((await t.request('POST', '/api/auth/set-password', { body: { token, password: chosen } })).status).toBe(204)
    const res = await t.request('POST', '/api/auth/login', { body: { email: newStaff.email, password: chosen } })
    expect(res.json.role).toBe('agent')
  })

  it('refuse a second account with the same email, naming the field', async () => {
    await t.request('POST', '/api/staff', { cookie: admin, body: newStaff })
    const again = await t.request('POST', '/api/staff', { cookie: admin, body: { ...newStaff, email: 'zhou.min@example.com' } })
    expect(again.status).toBe(409)
    expect(again.json.error.fields).toEqual({ email: 'Already in use' })
  })

  it('take a role change and a disable at once, ending the account’s sessions', async () => {
    const agent = await t.login('agent')
    const promoted = await t.request('PUT', '/api/staff/1', { cookie: admin, body: { role: 'manager' } })
    expect(promoted.json.role).toBe('manager')
    expect((await t.request('GET', '/api/auth/me', { cookie: agent })).status).toBe(401)
    const again = await t.login('agent')
    expect((await t.request('GET', '/api/auth/me', { cookie: again })).json.role).toBe('manager')
    await t.request('PUT', '/api/staff/1', { cookie: admin, body: { status: 'disabled' } })
    expect((await t.request('GET', '/api/auth/me', { cookie: again })).status).toBe(401)
    const signIn = await t.request('POST', '/api/auth/login', { body: { email: 'agent@example.com', password: TEST_PASSWORD } })
    expect(signIn.status).toBe(401)
  })

  it('accept the whole record back from an edit form, changing only what may change', async () => {
    const { json: record } = await t.request('GET', '/api/staff/3', { cookie: admin })
    const res = await t.request('PUT', '/api/staff/3', {
      cookie: admin,
      body: { ...record, name: 'Zhao Lei (North)', email: 'hacked@example.com' },
    })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ name: 'Zhao Lei (North)', email: 'manager@example.com' })
  })

  it('never leave the console without an active admin', async () => {
    expect((await t.request('PUT', '/api/staff/4', { cookie: admin, body: { status: 'disabled' } })).status).toBe(409)
    expect((await t.request('PUT', '/api/staff/4', { cookie: admin, body: { role: 'agent' } })).status).toBe(409)
    const second = await t.request('POST', '/api/staff', { cookie: admin, body: { ...newStaff, role: 'admin' } })
    expect((await t.request('PUT', `/api/staff/${second.json.id}`, { cookie: admin, body: { status: 'disabled' } })).status).toBe(200)
  })

  it('never take a password from an admin, on creation or reset', async () => {
    const created = await t.request('POST', '/api/staff', { cookie: admin, body: { ...newStaff, password: chosen } })
    expect(created.status).toBe(400)
    expect(await t.db.selectFrom('staff_users').select('id').where('email', '=', 'zhou.min@example.com').execute()).toEqual([])
    const reset = await t.request('POST', '/api/staff/3/password', { cookie: admin, body: { password: 'Brand-new-password-1' } })
    expect(reset.status).toBe(400)
    expect((await t.request('POST', '/api/auth/login', { body: { email: 'manager@example.com', password: TEST_PASSWORD } })).status).toBe(
      200,
    )
  })

  it('get a set-password link from an admin’s reset, which ends their sessions and their old password', async () => {
    const manager = await t.login('manager')
    const reset = await t.request('POST', '/api/staff/3/password', { cookie: admin, body: {} })
    expect(reset.status).toBe(200)
    expect(reset.json).toMatchObject({ recipient: expect.stringMatching(/\*/), status: 'recorded' })
    expect(reset.text).not.toContain(lastToken('manager@example.com'))
    expect((await t.request('GET', '/api/auth/me', { cookie: manager })).status).toBe(401)
    const old = await t.request('POST', '/api/auth/login', { body: { email: 'manager@example.com', password: TEST_PASSWORD } })
    expect(old.status).toBe(401)
    const body = { token: lastToken('manager@example.com'), password: 'Brand-new-password-1' }
    expect((await t.request('POST', '/api/auth/set-password', { body })).status).toBe(204)
    expect(
      (await t.request('POST', '/api/auth/login', { body: { email: 'manager@example.com', password: 'Brand-new-password-1' } })).status,
    ).toBe(200)
    // an admin does not reset their own password, which would lock them out
    expect((await t.request('POST', '/api/staff/4/password', { cookie: admin, body: {} })).status).toBe(409)
  })

  it('leave every change on the record', async () => {
    const created = await t.request('POST', '/api/staff', { cookie: admin, body: newStaff })
    await t.request('PUT', `/api/staff/${created.json.id}`, { cookie: admin, body: { role: 'manager' } })
    await t.request('POST', `/api/staff/${created.json.id}/password`, { cookie: admin, body: {} })
    await t.request('POST', '/api/auth/set-password', { body: { token: lastToken('zhou.min@example.com'), password: chosen } })
    const rows = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', String(created.json.id)).orderBy('id').execute()
    expect(rows.map((r) => r.action)).toEqual(['staff.create', 'staff.update', 'staff.password_reset', 'staff.password_set'])
    expect(JSON.parse(rows[1]!.details)).toMatchObject({ role_from: 'agent', role_to: 'manager' })
    expect(rows.slice(0, 3).every((r) => r.actor_id === 4)).toBe(true)
    // the staff member set their own password: they are its actor
    expect(rows[3]).toMatchObject({ actor_id: created.json.id, actor_role: 'manager' })
    expect(JSON.parse(rows[3]!.details)).toEqual({ purpose: 'reset' })
    for (const r of rows) expect(r.details).not.toMatch(/token|password/i)
  })
})

describe('staff and settings under parallel requests (promise 10)', () => {
  it('30 creations of one email make one account', async () => {
    const http = await t.listen()
    const cookie = await http.login('admin')
    const { statuses } = await inParallel(30, () => http.request('POST', '/api/staff', { cookie, body: newStaff }))
    expect(tally(statuses)).toEqual({ 201: 1, 409: 29 })
  })

  it('two admins disabling each other at once leave one active admin', async () => {
    const http = await t.listen()
    const cookie = await http.login('admin')
    const second = await http.request('POST', '/api/staff', { cookie, body: { ...newStaff, role: 'admin' } })
    await http.request('POST', '/api/auth/set-password', { body: { token: lastToken('zhou.min@example.com'), password: chosen } })
    const signIn = await http.request('POST', '/api/auth/login', { body: { email: newStaff.email, password: chosen } })
    const otherCookie = signIn.headers.get('set-cookie')!.split(';')[0]!
    const first = await t.db.selectFrom('staff_users').select('id').where('email', '=', 'admin@example.com').executeTakeFirstOrThrow()
    const [a, b] = await Promise.all([
      http.request('PUT', `/api/staff/${second.json.id}`, { cookie, body: { status: 'disabled' } }),
      http.request('PUT', `/api/staff/${first.id}`, { cookie: otherCookie, body: { status: 'disabled' } }),
    ])
    // The loser is refused: 409 if its check ran after the other's write, 401 if the other disabled it first.
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1)
    expect([a.status, b.status].every((s) => [200, 401, 409].includes(s))).toBe(true)
    const admins = await t.db.selectFrom('staff_users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute()
    expect(admins).toHaveLength(1)
  })

  it('30 changes of one setting at once each record the value they replaced', async () => {
    const http = await t.listen()
    const cookie = await http.login('admin')
    const { statuses } = await inParallel(30, (i) =>
      http.request('PUT', '/api/settings/export_link_days', { cookie, body: { value: i + 1 } }),
    )
    expect(tally(statuses)).toEqual({ 200: 30 })
    const entries = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'settings.update').orderBy('id').execute()
    const changes = entries.map((e) => JSON.parse(e.details) as { from: number; to: number })
    expect(changes[0]!.from).toBe(7)
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.from).toBe(changes[i - 1]!.to)
  })
})
