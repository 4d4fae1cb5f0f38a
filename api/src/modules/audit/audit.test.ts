import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { unguardAuditLog } from '@verity/db/testing'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { audit, auditHash, auditHashInput, buildAuditEntry, GENESIS_HASH } from '../../platform/audit.js'
import { readAuditCheckpoints, startAuditCheckpoints } from '../../platform/audit-checkpoint.js'
import { inTransaction } from '../../platform/transaction.js'
import { createTestApp, listUrl, planOf, recordQueries, TEST_AUDIT_KEY, TEST_DIALECT } from '../../testing.js'
import type { SignedInStaff } from '../../platform/context.js'
import { checkAuditChain, listAudit, verifyAuditChain } from './audit.service.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let dir: string
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-audit-'))
  t = await createTestApp({ customers: 5, config: { auditCheckpointFile: path.join(dir, 'checkpoints.jsonl') } })
  await t.login('agent')
  await t.login('admin')
})
afterEach(async () => {
  await t.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const systemCtx = (now = new Date()) => ({ staff: null, ip: null, now, config: { auditKey: TEST_AUDIT_KEY } })
const verify = async () => {
  const { checkpoints } = await readAuditCheckpoints(path.join(dir, 'checkpoints.jsonl'))
  return verifyAuditChain(t.db, TEST_AUDIT_KEY, { checkpoints, pageSize: 3 })
}
const quiet = { log() {}, error() {} }
/** What a server writes at start, every minute and at shutdown. */
async function checkpointNow() {
  const checkpoints = await startAuditCheckpoints(t.db, { file: path.join(dir, 'checkpoints.jsonl'), key: TEST_AUDIT_KEY, log: quiet })
  await checkpoints.stop()
}
type HashedColumns = Parameters<typeof auditHashInput>[0]

/** Re-links every entry from `fromId` on to the one before it, as someone with write access to the table could. */
async function rehashFrom(fromId: number, hash: (row: HashedColumns) => string) {
  await unguardAuditLog(t.handle)
  const rows = await t.db.selectFrom('audit_log').selectAll().where('id', '>=', fromId).orderBy('id').execute()
  let prev = (await t.db.selectFrom('audit_log').select('hash').where('id', '<', fromId).orderBy('id', 'desc').executeTakeFirst())?.hash
  for (const { id, hash: _old, ...rest } of rows) {
    const row = { ...rest, prev_hash: prev ?? GENESIS_HASH }
    prev = hash(row)
    await t.db.updateTable('audit_log').set({ prev_hash: row.prev_hash, hash: prev }).where('id', '=', id).execute()
  }
}
const plainSha256 = (row: HashedColumns) => encodeHexLowerCase(sha256(new TextEncoder().encode(auditHashInput(row))))

describe('the audit chain', () => {
  it('links each entry to the one before and verifies whole', async () => {
    const rows = await t.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
    expect(rows.length).toBeGreaterThan(4)
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash)
    expect(await verify()).toMatchObject({
      ok: true,
      checked: rows.length,
      checkpoint: null,
      message: expect.stringMatching(/no checkpoint/),
    })
  })

  it('is refused UPDATE and DELETE by the database itself', async () => {
    await expect(sql`update audit_log set action = 'nothing' where id = 1`.execute(t.db)).rejects.toThrow(/append-only/)
    await expect(sql`delete from audit_log where id = 1`.execute(t.db)).rejects.toThrow(/append-only/)
    await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/)
  })

  it('catches an entry edited behind the triggers’ back, naming it', async () => {
    await unguardAuditLog(t.handle)
    await sql`update audit_log set details = '{"reason":"nothing to see"}' where id = 3`.execute(t.db)
    expect(await verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { id: 3, reason: 'hash_mismatch' } })
  })

  it('catches a forged entry whose own hash was recomputed with the key, at the link after it', async () => {
    await unguardAuditLog(t.handle)
    const row = await t.db.selectFrom('audit_log').selectAll().where('id', '=', 2).executeTakeFirstOrThrow()
    const forged = buildAuditEntry(
      TEST_AUDIT_KEY,
      { staff: null, ip: null, now: new Date(row.at) },
      { action: 'auth.logout' },
      row.prev_hash,
    )
    await t.db.updateTable('audit_log').set(forged).where('id', '=', 2).execute()
    expect(await verify()).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'broken_link' } })
  })

  it('catches a deleted entry', async () => {
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id = 2`.execute(t.db)
    expect(await verify()).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'broken_link' } })
  })

  it('catches a deletion re-hashed without the key: plain SHA-256 or another key do not pass as the chain', async () => {
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id = 3`.execute(t.db)
    await rehashFrom(4, plainSha256)
    expect(await verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { id: 4, reason: 'hash_mismatch' } })
    const otherKey = new TextEncoder().encode('not-the-server-audit-key-32bytes')
    await rehashFrom(4, (row) => auditHash(otherKey, row))
    expect((await verify()).message).toMatch(/re-hashed or forged at entry #4/)
  })

  it('does not hold under another key', async () => {
    const report = await verifyAuditChain(t.db, new Uint8Array(32))
    expect(report).toMatchObject({ ok: false, checked: 0, firstBroken: { id: 1, reason: 'hash_mismatch' } })
  })

  it('refuses details that look like secrets', () => {
    const ctx = systemCtx()
    expect(() => buildAuditEntry(TEST_AUDIT_KEY, ctx, { action: 'staff.update', details: { password: 'p' } }, GENESIS_HASH)).toThrow()
    expect(() => buildAuditEntry(TEST_AUDIT_KEY, ctx, { action: 'staff.update', details: { password_hash: 'h' } }, GENESIS_HASH)).toThrow()
  })

  it('writes nothing when the change it records fails', async () => {
    const before = (await t.db.selectFrom('audit_log').select('id').execute()).length
    await expect(
      t.db.transaction().execute(async (trx) => {
        await audit(trx, systemCtx(), { action: 'staff.create', system: true })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect((await t.db.selectFrom('audit_log').select('id').execute()).length).toBe(before)
  })
})

describe('who acts', () => {
  it('an account disabled, or given another role, since its request began records nothing and is signed out', async () => {
    const id = await t.addStaff('agent', 'leaving@example.com')
    const act = () =>
      inTransaction(t.db, (trx) =>
        audit(
          trx,
          { staff: { id, role: 'agent' }, ip: null, now: new Date(), config: { auditKey: TEST_AUDIT_KEY } },
          {
            action: 'customer.search',
            details: { kind: 'id', results: 0 },
          },
        ),
      )
    await act()
    const entries = async () => (await t.db.selectFrom('audit_log').select('id').where('actor_id', '=', id).execute()).length
    expect(await entries()).toBe(1)
    await t.db.updateTable('staff_users').set({ role: 'manager' }).where('id', '=', id).execute()
    await expect(act()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' })
    await t.db.updateTable('staff_users').set({ role: 'agent', status: 'disabled' }).where('id', '=', id).execute()
    await expect(act()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' })
    expect(await entries()).toBe(1)
  })
})

describe('the chain against its checkpoints', () => {
  it('holds when the log matches the latest checkpoint', async () => {
    await checkpointNow()
    await t.login('compliance')
    await checkpointNow()
    const { checkpoints } = await readAuditCheckpoints(path.join(dir, 'checkpoints.jsonl'))
    expect(checkpoints).toHaveLength(2)
    const report = await verify()
    expect(report).toMatchObject({ ok: true, checkpoint: checkpoints[1] })
    expect(report.message).toMatch(/the latest checkpoint \(.*\) matches/)
  })

  it('notices entries cut off the end, which the chain alone cannot', async () => {
    await checkpointNow()
    const last = await t.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id >= ${last.id - 1}`.execute(t.db)
    expect(await verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
    const report = await verify()
    expect(report).toMatchObject({ ok: false, firstBroken: { id: last.id, reason: 'tail_missing' } })
    expect(report.message).toMatch(
      new RegExp(`entries missing: the checkpoint of \\S+ names #${last.id} but the log ends at #${last.id - 2}`),
    )
  })

  it('notices a chain re-hashed with the key after the checkpoint was written', async () => {
    await checkpointNow()
    const last = await t.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id = 3`.execute(t.db)
    await rehashFrom(4, (row) => auditHash(TEST_AUDIT_KEY, row))
    expect(await verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
    const report = await verify()
    expect(report).toMatchObject({ ok: false, firstBroken: { id: last.id, reason: 'checkpoint_hash' } })
    expect(report.message).toMatch(`checkpoint hash differs at #${last.id}`)
  })

  it('notices, from any earlier checkpoint, a cut made while the server was down and blessed by a later one', async () => {
    await checkpointNow()
    const last = await t.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id = ${last.id}`.execute(t.db)
    await t.login('compliance') // the restarted server appends after the cut, and checkpoints the new head
    await checkpointNow()
    const report = await verify()
    expect(report).toMatchObject({ ok: false, firstBroken: { id: last.id } })
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

  it('filters by an action or by its family, sorts either way with ties in the same direction, and reads a page off an index', async () => {
    const cookie = await t.login('compliance')
    await t.login('agent')
    const entries = async (filter: object, sort?: [string, string]) =>
      (await t.request('GET', listUrl('audit-log', { filter, sort, range: [0, 99] }), { cookie })).json as { action: string; id: number }[]
    const auth = await entries({ action: 'auth.' })
    expect(new Set(auth.map((e) => e.action))).toEqual(new Set(['auth.login']))
    expect(await entries({ action: 'auth.login' })).toEqual(auth)
    expect(await entries({ action: 'nothing.' })).toEqual([])
    for (const order of ['ASC', 'DESC'] as const) {
      const sorted = await entries({}, ['action', order])
      const ties = sorted.slice(1).filter((e, i) => e.action === sorted[i]!.action && (order === 'ASC') !== e.id > sorted[i]!.id)
      expect(ties).toEqual([])
    }
    if (TEST_DIALECT === 'sqlite') {
      const plan = async (query: string) => (await planOf(t.handle, query)).join(' | ')
      expect(await plan(`select * from audit_log order by action desc, id desc limit 25 offset 50`)).toMatch(
        /USING INDEX audit_log_action_idx$/,
      )
      expect(await plan(`select count(*) from audit_log where action in ('auth.login', 'auth.logout')`)).toMatch(/audit_log_action_idx/)
      expect(await plan(`select * from audit_log order by at asc, id asc limit 25`)).toMatch(/USING INDEX audit_log_at_idx$/)
      expect(await plan(`select count(*) from audit_log where at >= '2026-01-01' and at < '2026-02-01'`)).toMatch(/audit_log_at_idx/)
    }
  })

  it("reads admins' view by its staff actions, never through the entries that name no customer (SQLite)", async () => {
    if (TEST_DIALECT !== 'sqlite') return
    // Every search names no one customer, so at a million searches the index by customer put them all under "none":
    // counting admins' view went through each of them (0.3 s).
    const { db, queries } = recordQueries(t.db)
    const admin = { role: 'admin' } as SignedInStaff
    await listAudit(db, admin, { filter: {}, sort: { field: 'id', order: 'desc' }, limit: 25, offset: 0 })
    const ofLog = queries.filter((q) => /from "audit_log"/.test(q.sql))
    expect(ofLog).toHaveLength(2) // the page and its count
    for (const q of ofLog)
      expect((await planOf(t.handle, q)).join(' | '), q.sql).toMatch(/^SEARCH audit_log USING INDEX audit_log_action_idx/)
  })

  it('runs the chain check from the API and records that it ran', async () => {
    const cookie = await t.login('compliance')
    const res = await t.request('POST', '/api/audit-log/verify', { cookie })
    expect(res.json).toMatchObject({ ok: true })
    const last = await t.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(last.action).toBe('audit.verify')
  })

  it('names the staff member an entry is about, and lists staff by name only for the filter', async () => {
    const cookie = await t.login('compliance')
    const created = await t.request('GET', listUrl('audit-log', { filter: { action: 'staff.create' }, range: [0, 99] }), { cookie })
    const liNa = await t.db.selectFrom('staff_users').select(['id', 'name']).where('role', '=', 'agent').executeTakeFirstOrThrow()
    expect(created.json.find((e: { entity_id: string }) => e.entity_id === String(liNa.id))).toMatchObject({
      staff_id: liNa.id,
      staff_name: liNa.name,
    })
    for (const who of ['compliance', 'admin']) {
      const staff = await t.request('GET', '/api/audit-log/staff', { cookie: await t.login(who) })
      expect(staff.status).toBe(200)
      expect(staff.json).toContainEqual({ id: liNa.id, name: liNa.name, role: 'agent' })
      for (const s of staff.json) expect(Object.keys(s).sort()).toEqual(['id', 'name', 'role'])
    }
    const byActor = await t.request('GET', listUrl('audit-log', { filter: { actor_id: liNa.id }, range: [0, 99] }), { cookie })
    expect(byActor.json.length).toBeGreaterThan(0)
    expect(byActor.json.every((e: { actor_id: number; actor_name: string }) => e.actor_id === liNa.id && e.actor_name === liNa.name)).toBe(
      true,
    )
  })

  it('answers other requests while it walks a long log, and thirty checks sent at once each answer and are each recorded', async () => {
    await inTransaction(t.db, async (trx) => {
      for (let i = 0; i < 20_000; i++) await audit(trx, systemCtx(), { action: 'settings.update', system: true })
    })
    // the real server, without the test harness's pauses between queries: on SQLite nothing else makes a query wait
    const http = await t.listen({ pauses: false })
    const compliance = await t.login('compliance')
    const agent = await t.login('agent')
    let checking = true
    const check = http.request('POST', '/api/audit-log/verify', { cookie: compliance }).finally(() => (checking = false))
    let answeredMeanwhile = 0
    while (checking) {
      const me = await http.request('GET', '/api/auth/me', { cookie: agent })
      expect(me.status).toBe(200)
      if (checking) answeredMeanwhile++
    }
    expect((await check).json).toMatchObject({ ok: true, checked: expect.any(Number) })
    // walked in one go, the check of 20,000 entries answered the agent once at most, after it was done
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(5)

    const before = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'audit.verify').execute()
    const all = await Promise.all(Array.from({ length: 30 }, () => http.request('POST', '/api/audit-log/verify', { cookie: compliance })))
    expect(all.map((r) => r.status)).toEqual(Array(30).fill(200))
    for (const r of all) expect(r.json).toMatchObject({ ok: true })
    const after = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'audit.verify').execute()
    expect(after.length - before.length).toBe(30)
    expect(await verify()).toMatchObject({ ok: true })
    // 20,000 entries written one at a time: 16 s on PostgreSQL here, more on a loaded machine
  }, 120_000)

  it('shares a check under way with whoever asks while it runs, and walks again once it is done', async () => {
    const first = checkAuditChain(t.db, TEST_AUDIT_KEY)
    expect(checkAuditChain(t.db, TEST_AUDIT_KEY)).toBe(first)
    const report = await first
    expect(report.ok).toBe(true)
    await inTransaction(t.db, (trx) => audit(trx, systemCtx(), { action: 'settings.update', system: true }))
    const again = checkAuditChain(t.db, TEST_AUDIT_KEY)
    expect(again).not.toBe(first)
    expect((await again).checked).toBe(report.checked + 1)
  })

  it('keeps the last chain check on the server: when, by whom, how many entries, the outcome', async () => {
    const cookie = await t.login('compliance')
    expect((await t.request('GET', '/api/audit-log/verify/latest', { cookie })).json).toEqual({ run: null })
    const ran = await t.request('POST', '/api/audit-log/verify', { cookie })
    expect(ran.json).toMatchObject({ ok: true, checked: expect.any(Number), at: expect.any(String), by: 'Chen Jing' })
    // a reload, or another officer, reads the same run back from its own audit entry
    const admin = await t.login('admin')
    const latest = await t.request('GET', '/api/audit-log/verify/latest', { cookie: admin })
    expect(latest.json.run).toEqual({
      at: ran.json.at,
      by: 'Chen Jing',
      ok: true,
      checked: ran.json.checked,
      firstBroken: null,
      checkpoint: null,
    })
  })

  it('checks against the server’s checkpoints too, and records what it found', async () => {
    const cookie = await t.login('compliance')
    await checkpointNow()
    const named = await t.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id = ${named.id}`.execute(t.db)
    const res = await t.request('POST', '/api/audit-log/verify', { cookie })
    expect(res.json).toMatchObject({ ok: false, firstBroken: { id: named.id, reason: 'tail_missing' } })
    expect(res.json.message).toMatch(`names #${named.id} but the log ends at #${named.id - 1}`)
    const last = await t.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(last.action).toBe('audit.verify')
    expect(JSON.parse(last.details)).toMatchObject({ ok: false, first_broken: named.id, reason: 'tail_missing', checkpoint: named.id })
    const latest = await t.request('GET', '/api/audit-log/verify/latest', { cookie })
    expect(latest.json.run).toMatchObject({ ok: false, firstBroken: { id: named.id, reason: 'tail_missing' }, checkpoint: named.id })
  })
})
