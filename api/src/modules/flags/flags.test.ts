import type { FlagKind } from '@verity/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskName } from '../../platform/masking.js'
import { inTransaction } from '../../platform/transaction.js'
import { createTestApp, listUrl, TEST_AUDIT_KEY } from '../../testing.js'
import { raiseFlag } from './flags.service.js'

let t: Awaited<ReturnType<typeof createTestApp>>
beforeAll(async () => {
  t = await createTestApp({ customers: 3 })
})
afterAll(() => t.close())

const staffId = async (role: string) =>
  (
    await t.db
      .selectFrom('staff_users')
      .select('id')
      .where('role', '=', role as 'agent')
      .executeTakeFirstOrThrow()
  ).id
const raise = (flag: { kind: FlagKind; customerId?: number; staffId?: number; details: Record<string, number> }) =>
  inTransaction(t.db, (trx) =>
    raiseFlag(
      trx,
      { staff: null, ip: null, now: new Date(), config: { auditKey: TEST_AUDIT_KEY } } as Parameters<typeof raiseFlag>[1],
      flag,
    ),
  )

describe('the flags desk', () => {
  it('names the staff member and the customer (masked), says what resolving does, and offers only the allowed actions', async () => {
    const customer = await t.db.selectFrom('customers').selectAll().orderBy('id').executeTakeFirstOrThrow()
    await t.db.updateTable('customers').set({ status: 'locked' }).where('id', '=', customer.id).execute()
    const agent = await staffId('agent')
    const officer = await staffId('compliance')
    const locked = await raise({ kind: 'verification_locked', customerId: customer.id, staffId: agent, details: { failures: 3 } })
    const failing = await raise({ kind: 'agent_failing', staffId: agent, details: { customers_in_hour: 5 } })
    const aboutOfficer = await raise({ kind: 'search_rate', staffId: officer, details: { lookups_in_minute: 40, limit: 30 } })
    const minor = await raise({ kind: 'minor_without_consent', customerId: customer.id, details: { under_age: 18 } })

    const cookie = await t.login('compliance')
    const res = await t.request('GET', listUrl('flags', { range: [0, 99] }), { cookie })
    expect(res.status).toBe(200)
    const byId = new Map(res.json.map((f: { id: number }) => [f.id, f]))
    expect(byId.get(locked)).toMatchObject({
      staff_name: 'Li Na',
      customer_name: maskName(customer.first_name, customer.last_name),
      details: { failures: 3 },
      resolve_effect: 'unlock_customer',
      actions: ['resolve'],
    })
    expect(byId.get(failing)).toMatchObject({
      staff_name: 'Li Na',
      customer_name: null,
      resolve_effect: 'resume_agent',
      actions: ['resolve'],
    })
    // a flag about the officer is resolved by another officer: nothing is offered to them
    expect(byId.get(aboutOfficer)).toMatchObject({ staff_name: 'Chen Jing', resolve_effect: null, actions: [] })
    expect(byId.get(minor)).toMatchObject({ actions: ['resolve', 'lock_account', 'record_consent', 'file_erasure'] })
    for (const f of res.json) {
      expect(f).not.toHaveProperty('first_name')
      expect(f).not.toHaveProperty('password_hash')
      expect(JSON.stringify(f)).not.toContain(customer.first_name ?? '\u0000')
    }

    const one = await t.request('GET', `/api/flags/${locked}`, { cookie })
    expect(one.json).toMatchObject({ id: locked, staff_name: 'Li Na', resolve_effect: 'unlock_customer', actions: ['resolve'] })
    expect((await t.request('POST', `/api/flags/${aboutOfficer}/resolve`, { cookie, body: { resolution: 'Looked at it.' } })).status).toBe(
      403,
    )

    const resolved = await t.request('POST', `/api/flags/${locked}/resolve`, { cookie, body: { resolution: 'Caller was the customer.' } })
    expect(resolved.status).toBe(200)
    const after = await t.request('GET', `/api/flags/${locked}`, { cookie })
    expect(after.json).toMatchObject({ resolved_by_name: 'Chen Jing', resolve_effect: null, actions: [] })
    const c = await t.db.selectFrom('customers').select('status').where('id', '=', customer.id).executeTakeFirstOrThrow()
    expect(c.status).toBe('active')
  })
})
