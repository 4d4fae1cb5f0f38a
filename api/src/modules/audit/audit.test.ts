import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendAudit, buildAuditEntry, GENESIS_HASH } from '../../platform/audit.js'
import { createTestApp, listUrl } from '../../testing.js'
import { verifyAuditChain } from './audit.service.js'

let t: Awaited<ReturnType<typeof createTestApp>>
beforeEach(async () => {
  t = await createTestApp({ customers: 5 })
  await t.login('agent')
  await t.login('admin')
})
afterEach(() => t.close())

describe('the audit chain', () => {
  it('links each entry to the one before and verifies whole', async () => {
    const rows = await t.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
    expect(rows.length).toBeGreaterThan(4)
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash)
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: rows.length })
  })

  it('is refused UPDATE and DELETE by the database itself', async () => {
    await expect(sql`update audit_log set action = 'nothing' where id = 1`.execute(t.db)).rejects.toThrow(/append-only/)
    await expect(sql`delete from audit_log where id = 1`.execute(t.db)).rejects.toThrow(/append-only/)
    await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/)
  })

  it('catches an entry edited behind the triggers’ back, naming it', async () => {
    await sql`drop trigger audit_log_no_update`.execute(t.db)
    await sql`update audit_log set details = '{"reason":"nothing to see"}' where id = 3`.execute(t.db)
    expect(await verifyAuditChain(t.db)).toEqual({ ok: false, checked: 2, firstBroken: { id: 3, reason: 'hash_mismatch' } })
  })

  it('catches a forged entry whose own hash was recomputed, at the link after it', async () => {
    await sql`drop trigger audit_log_no_update`.execute(t.db)
    const row = await t.db.selectFrom('audit_log').selectAll().where('id', '=', 2).executeTakeFirstOrThrow()
    const forged = buildAuditEntry({ actor: null, action: 'auth.logout' }, row.prev_hash, new Date(row.at))
    await t.db.updateTable('audit_log').set(forged).where('id', '=', 2).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'broken_link' } })
  })

  it('catches a deleted entry', async () => {
    await sql`drop trigger audit_log_no_delete`.execute(t.db)
    await sql`delete from audit_log where id = 2`.execute(t.db)
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'broken_link' } })
  })

  it('refuses details that look like secrets', () => {
    expect(() => buildAuditEntry({ actor: null, action: 'x', details: { password: 'p' } }, GENESIS_HASH, new Date())).toThrow()
    expect(() => buildAuditEntry({ actor: null, action: 'x', details: { password_hash: 'h' } }, GENESIS_HASH, new Date())).toThrow()
  })

  it('writes nothing when the change it records fails', async () => {
    const before = (await t.db.selectFrom('audit_log').select('id').execute()).length
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendAudit(trx, { actor: null, action: 'staff.create' })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect((await t.db.selectFrom('audit_log').select('id').execute()).length).toBe(before)
  })
})

describe('the audit desk', () => {
  it('shows compliance everything, and admins only what staff did to staff and sign-ins', async () => {
    const agent = await t.login('agent')
    const [customer] = (await t.request('GET', listUrl('customers', { filter: { q: '1' } }), { cookie: agent })).json
    await t.request('GET', `/api/customers/${customer.id}`, { cookie: agent })
    const compliance = await t.login('compliance')
    const all = await t.request('GET', listUrl('audit-log', { range: [0, 99] }), { cookie: compliance })
    expect(all.json.map((e: { action: string }) => e.action)).toContain('customer.read')
    const read = all.json.find((e: { action: string }) => e.action === 'customer.read')
    expect(read).toMatchObject({ actor_name: 'Li Na', actor_role: 'agent', customer_id: customer.id })
    const admin = await t.login('admin')
    const staffOnly = await t.request('GET', listUrl('audit-log', { range: [0, 99] }), { cookie: admin })
    expect(staffOnly.json.length).toBeGreaterThan(0)
    for (const e of staffOnly.json) {
      expect(e.customer_id).toBeNull()
      expect(e.action).toMatch(/^(auth|staff|settings)\./)
    }
    expect((await t.request('GET', `/api/audit-log/${read.id}`, { cookie: admin })).status).toBe(404)
    const filtered = await t.request('GET', listUrl('audit-log', { filter: { customer_id: customer.id } }), { cookie: compliance })
    expect(filtered.json.every((e: { customer_id: number }) => e.customer_id === customer.id)).toBe(true)
  })

  it('runs the chain check from the API and records that it ran', async () => {
    const cookie = await t.login('compliance')
    const res = await t.request('POST', '/api/audit-log/verify', { cookie })
    expect(res.json).toMatchObject({ ok: true })
    const last = await t.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(last.action).toBe('audit.verify')
  })
})
