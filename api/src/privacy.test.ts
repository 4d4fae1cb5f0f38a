import { STAFF_ROLES } from '@verity/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callerAnswers, createTestApp, fullyOnFile, listUrl } from './testing.js'

/**
 * Promises 1 and 2, checked across the whole API: every GET route, as every role, with ids that exist.
 * No answer carries a credential, and nothing about a customer shows unmasked to staff not verified for them.
 */
let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
let cookies: Record<string, string>
let verifiedId: number
let otherId: number

beforeAll(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({ customers: 40, config: { now: () => clock } })
  cookies = Object.fromEntries(await Promise.all(STAFF_ROLES.map(async (r) => [r, await t.login(r)] as const)))
  verifiedId = await fullyOnFile(t.db, 0)
  otherId = await fullyOnFile(t.db, 1)
  // leave something in every table the routes read: a verification, a code, a flag, an outbox message
  const v = (await t.request('POST', '/api/verifications', { cookie: cookies.agent, body: { customerId: otherId, channel: 'phone' } })).json
  await t.request('POST', `/api/verifications/${v.id}/code`, { cookie: cookies.agent, body: { channel: 'email' } })
})
afterAll(() => t.close())

/** Every GET route of the API, with its ids filled in, and list routes with a search that finds the customers. */
async function everyGet(): Promise<string[]> {
  const ids: Record<string, string> = {
    customers: String(verifiedId),
    verifications: '1',
    staff: '1',
    'audit-log': '1',
    settings: 'k_anonymity',
    flags: '1',
    outbox: '1',
  }
  const email = (await callerAnswers(t.db, verifiedId)).email!
  const urls = new Set<string>()
  for (const r of t.api.routes.filter((r) => r.method === 'GET')) {
    const resource = r.path.split('/')[1]!
    const path = r.path.replace(':id', ids[resource] ?? '1')
    urls.add(`/api${path}`)
  }
  urls.add(listUrl('customers', { filter: { q: email } }))
  urls.add(`/api/customers/${otherId}`)
  urls.add(listUrl('audit-log', { range: [0, 499] }))
  return [...urls]
}

async function crawl(role: string) {
  const texts: string[] = []
  for (const url of await everyGet()) texts.push((await t.request('GET', url, { cookie: cookies[role] })).text)
  return texts.join('\n')
}

/** Values that would identify the customer or answer a question about them. */
async function secretsOf(customerId: number) {
  const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
  const addresses = await t.db.selectFrom('addresses').selectAll().where('customer_id', '=', customerId).execute()
  const orders = await t.db.selectFrom('orders').select('number').where('customer_id', '=', customerId).execute()
  const logs = await t.db.selectFrom('access_logs').select('ip').where('customer_id', '=', customerId).execute()
  return [
    c.email,
    c.phone,
    c.birth_date,
    c.last_name && c.last_name.length > 2 ? c.last_name : null,
    ...addresses.flatMap((a) => [a.line1, a.postal_code && a.postal_code.length >= 5 ? a.postal_code : null]),
    ...orders.map((o) => o.number),
    ...logs.map((l) => l.ip),
  ].filter((v): v is string => !!v)
}

describe('no route ever returns a credential', () => {
  it('to any role', async () => {
    const hashes = (await t.db.selectFrom('customer_credentials').select('password_hash').execute()).map((r) => r.password_hash)
    const staffHashes = (await t.db.selectFrom('staff_credentials').select('password_hash').execute()).map((r) => r.password_hash)
    expect(hashes.length).toBe(40)
    for (const role of STAFF_ROLES) {
      const all = await crawl(role)
      expect(all.length).toBeGreaterThan(1000)
      expect(all).not.toMatch(/\$argon2|password_hash|code_hash|token_hash/)
      for (const h of [...hashes, ...staffHashes]) expect(all).not.toContain(h.split('$').pop())
    }
  })
})

describe('masked until verified', () => {
  it('an unverified agent reads nothing unmasked from any route', async () => {
    const all = await crawl('agent')
    for (const secret of [...(await secretsOf(verifiedId)), ...(await secretsOf(otherId))]) expect(all).not.toContain(secret)
  })

  it('a verified agent reads that customer only, and only within the window', async () => {
    const v = (await t.request('POST', '/api/verifications', { cookie: cookies.agent, body: { customerId: verifiedId, channel: 'phone' } }))
      .json
    const truth = await callerAnswers(t.db, verifiedId)
    const passed = await t.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: cookies.agent,
      body: { answers: v.questions.map((q: { id: number; field: string }) => ({ questionId: q.id, value: truth[q.field] })) },
    })
    expect(passed.json.status).toBe('verified')
    const all = await crawl('agent')
    expect(all).toContain(truth.email)
    for (const secret of await secretsOf(otherId)) expect(all).not.toContain(secret)
    // the other roles are not verified for anyone
    for (const role of ['compliance', 'manager', 'admin']) {
      const theirs = await crawl(role)
      for (const secret of await secretsOf(verifiedId)) expect(theirs).not.toContain(secret)
    }
    clock = new Date(clock.getTime() + 16 * 60_000)
    cookies.agent = await t.login('agent')
    const after = await crawl('agent')
    for (const secret of await secretsOf(verifiedId)) expect(after).not.toContain(secret)
  })

  it('compliance opens a record only with a written reason, which is audited and shown on the record', async () => {
    const short = await t.request('POST', `/api/customers/${otherId}/unmask`, {
      cookie: cookies.compliance,
      body: { reason: 'just looking' },
    })
    expect(short.status).toBe(400)
    expect(
      (
        await t.request('POST', `/api/customers/${otherId}/unmask`, {
          cookie: cookies.agent,
          body: { reason: 'I would like to see everything please' },
        })
      ).status,
    ).toBe(403)
    const reason = 'Subpoena 2026-117 review: confirm identity of account holder'
    const grant = await t.request('POST', `/api/customers/${otherId}/unmask`, { cookie: cookies.compliance, body: { reason } })
    expect(grant.status).toBe(201)
    expect(grant.json).toMatchObject({ customerId: otherId, expiresAt: expect.any(String) })
    const opened = await t.request('GET', `/api/customers/${otherId}`, { cookie: cookies.compliance })
    expect(opened.json.masked).toBe(false)
    expect(opened.json.access.basis).toBe('break_glass')
    expect(opened.json.break_glass[0]).toMatchObject({ reason, staff_name: 'Chen Jing' })
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'customer_id'])
      .where('customer_id', '=', otherId)
      .orderBy('id', 'desc')
      .limit(2)
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['customer.read_unmasked', 'customer.break_glass'])
    // the audit desk shows each unmasked read with the reason it was made on
    const desk = await t.request('GET', listUrl('audit-log', { filter: { customer_id: otherId, action: 'customer.read_unmasked' } }), {
      cookie: cookies.compliance,
    })
    expect(desk.json[0]).toMatchObject({
      action: 'customer.read_unmasked',
      actor_name: 'Chen Jing',
      reason,
      details: { basis: 'break_glass' },
    })
    // the agent, not verified, sees that it happened but not the reason
    const agentView = await t.request('GET', `/api/customers/${otherId}`, { cookie: cookies.agent })
    expect(agentView.json.break_glass).toHaveLength(1)
    expect(agentView.text).not.toContain(reason)
  })
})

describe('password-reset links', () => {
  it('need a verified caller, go to the email on file through the outbox, and keep no link', async () => {
    const sent: string[] = []
    const t2 = await createTestApp({
      customers: 20,
      config: { transport: { name: 'capture', send: async (m) => (sent.push(`${m.recipient} ${m.body}`), 'sent') } },
    })
    const agent = await t2.login('agent')
    const id = await fullyOnFile(t2.db)
    expect((await t2.request('POST', `/api/customers/${id}/password-reset`, { cookie: agent })).status).toBe(409)
    const v = (await t2.request('POST', '/api/verifications', { cookie: agent, body: { customerId: id, channel: 'phone' } })).json
    const truth = await callerAnswers(t2.db, id)
    await t2.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: agent,
      body: { answers: v.questions.map((q: { id: number; field: string }) => ({ questionId: q.id, value: truth[q.field] })) },
    })
    const res = await t2.request('POST', `/api/customers/${id}/password-reset`, { cookie: agent })
    expect(res.status).toBe(202)
    expect(res.json).toMatchObject({ status: 'sent' })
    expect(sent[0]).toContain(truth.email)
    const token = sent[0]!.match(/token=([\w-]+)/)![1]!
    const stored =
      JSON.stringify(await t2.db.selectFrom('outbox').selectAll().execute()) +
      JSON.stringify(await t2.db.selectFrom('password_reset_tokens').selectAll().execute())
    expect(stored).not.toContain(token)
    await t2.close()
  })
})
