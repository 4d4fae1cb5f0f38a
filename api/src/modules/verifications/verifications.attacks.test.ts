import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../app.js'
import { callerAnswers, createTestApp, fullyOnFile, inParallel, listUrl, ORIGIN, tally, TEST_AUDIT_KEY, TEST_MFA } from '../../testing.js'
import { wrongAnswer } from './verifications.testing.js'

// A hostile agent with a valid session, through the real HTTP server: each attack here once got around promises 2–4.
let t: Awaited<ReturnType<typeof createTestApp>>
let http: Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>['listen']>>
let agent: string
let customerId: number
beforeEach(async () => {
  t = await createTestApp({ customers: 80 })
  http = await t.listen()
  agent = await http.login('agent')
  customerId = await fullyOnFile(t.db)
})
afterEach(() => t.close())

type Opened = { id: number; questions: { id: number; field: string }[] }
const start = async (id = customerId, cookie = agent) =>
  http.request('POST', '/api/verifications', { cookie, body: { customerId: id, channel: 'phone' } })
const answers = async (v: Opened, right: boolean, id = customerId) => {
  const truth = await callerAnswers(t.db, id)
  return v.questions.map((q) => ({ questionId: q.id, value: right ? truth[q.field]! : wrongAnswer(q.field) }))
}
const answer = async (v: Opened, right: boolean, id = customerId, cookie = agent) =>
  http.request('POST', `/api/verifications/${v.id}/answers`, { cookie, body: { answers: await answers(v, right, id) } })
const judged = async (verificationId: number) =>
  (await t.db.selectFrom('verification_questions').select('matched').where('verification_id', '=', verificationId).execute()).filter(
    (q) => q.matched !== null,
  ).length
const auditCount = async (action: string) =>
  Number(
    (
      await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', action)
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('the masked record answers no question', () => {
  it('shows no digit of the phone or a card, no order number, postal code or birth date', async () => {
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    const found = await http.request('GET', listUrl('customers', { filter: { q: c.phone } }), { cookie: agent })
    expect(found.json.map((r: { id: number }) => r.id)).toContain(customerId)
    const record = (await http.request('GET', `/api/customers/${customerId}`, { cookie: agent })).json
    expect(record.masked).toBe(true)
    expect(record.phone).not.toMatch(/\d/)
    expect(found.json.find((r: { id: number }) => r.id === customerId).phone).not.toMatch(/\d/)
    expect(record).not.toHaveProperty('birth_date')
    for (const card of record.payment_methods) expect(card).not.toHaveProperty('last4')
    for (const order of record.orders) expect(order).not.toHaveProperty('number')
    for (const address of record.addresses) expect(address).not.toHaveProperty('postal_code')
    const truth = await callerAnswers(t.db, customerId)
    const text = JSON.stringify(record)
    for (const field of ['phone_last4', 'card_last4', 'order_number', 'postal_code', 'birth_date']) {
      if (truth[field]) expect(text, field).not.toContain(truth[field])
    }
  })

  it('never asks for the identifier the agent found the caller by', async () => {
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    const order = await t.db.selectFrom('orders').select('number').where('customer_id', '=', customerId).executeTakeFirstOrThrow()
    for (const [q, field] of [
      [c.phone!, 'phone_last4'],
      [c.email!, 'email'],
      [order.number, 'order_number'],
    ] as const) {
      expect((await http.request('GET', listUrl('customers', { filter: { q } }), { cookie: agent })).status).toBe(200)
      for (let i = 0; i < 12; i++) {
        const v = (await start()).json as Opened
        expect(v.questions.map((x) => x.field)).not.toContain(field)
      }
    }
  })
})

describe('one judgement per question, one open verification per customer', () => {
  it('refuses an answer set that repeats a question', async () => {
    const v = (await start()).json as Opened
    const q = v.questions[0]!
    const res = await http.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: agent,
      body: { answers: ['1990-01-01', '1990-01-02', '1990-01-03'].map((value) => ({ questionId: q.id, value })) },
    })
    expect(res.status).toBe(400)
    expect(await judged(v.id)).toBe(0)
  })

  it('ends every earlier verification when another opens: answers to those are 409 and judge nothing', async () => {
    const opened: Opened[] = []
    for (let i = 0; i < 8; i++) opened.push((await start()).json)
    for (const v of opened.slice(0, -1)) {
      const res = await answer(v, true)
      expect(res.status).toBe(409)
      expect(await judged(v.id)).toBe(0)
    }
    const pending = await t.db
      .selectFrom('verifications')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('status', '=', 'pending')
      .execute()
    expect(pending.map((p) => p.id)).toEqual([opened.at(-1)!.id])
    expect((await answer(opened.at(-1)!, true)).json.status).toBe('verified')
  })

  it('30 openings at once leave exactly one open verification', async () => {
    const { statuses } = await inParallel(30, () => start())
    expect(tally(statuses)).toEqual({ 201: 30 })
    const pending = await t.db
      .selectFrom('verifications')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('status', '=', 'pending')
      .execute()
    expect(pending).toHaveLength(1)
  })

  it('a lock ends every open verification, and nothing after it is judged', async () => {
    for (let i = 0; i < 2; i++) expect((await answer((await start()).json, false)).json.status).toBe('failed')
    const last = (await start()).json as Opened
    expect((await answer(last, false)).json.status).toBe('locked')
    expect((await start()).status).toBe(429)
    const after = await answer(last, true)
    expect(after.status).toBe(409)
    expect(
      await t.db.selectFrom('verifications').select('id').where('customer_id', '=', customerId).where('status', '=', 'pending').execute(),
    ).toEqual([])
  })
})

describe('several servers on one database', () => {
  it('a lock closes a pass for a server whose clock runs behind too', async () => {
    const passed = (await start()).json as Opened
    expect((await answer(passed, true)).json.status).toBe('verified')
    await t.addStaff('agent', 'other.agent@example.com')
    const other = await http.login('other.agent@example.com')
    for (const expected of ['failed', 'failed', 'locked']) {
      expect((await answer((await start(customerId, other)).json, false, customerId, other)).json.status).toBe(expected)
    }
    // Another instance whose clock is five seconds behind this one's, on the same database.
    const { app } = createApp(t.db, { auditKey: TEST_AUDIT_KEY, mfa: TEST_MFA, now: () => new Date(Date.now() - 5_000) })
    const record = await app.request(`${ORIGIN}/api/customers/${customerId}`, { headers: { Cookie: agent, Accept: 'application/json' } })
    expect(record.status).toBe(200)
    expect(((await record.json()) as { masked: boolean }).masked).toBe(true)
  })
})

describe('parallel requests give one effect (promise 10)', () => {
  it('30 answer sets for one verification at once: one is judged, the rest are refused', async () => {
    const v = (await start()).json as Opened
    const body = { answers: await answers(v, true) }
    const { statuses } = await inParallel(30, () => http.request('POST', `/api/verifications/${v.id}/answers`, { cookie: agent, body }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    expect(await auditCount('verification.answer')).toBe(1)
  })

  it('a wrong and a right answer set sent together never both count, and never leave the verification passed by the wrong one', async () => {
    // Four rounds: five failed customers would stop the agent.
    for (let round = 0; round < 4; round++) {
      const other = await fullyOnFile(t.db, round + 1)
      const v = (await start(other)).json as Opened
      const [wrong, right] = await Promise.all([answers(v, false, other), answers(v, true, other)])
      const send = (a: typeof wrong) => http.request('POST', `/api/verifications/${v.id}/answers`, { cookie: agent, body: { answers: a } })
      const [w, r] = await Promise.all([send(wrong), send(right)])
      expect([w.status, r.status].sort()).toEqual([200, 409])
      const row = await t.db.selectFrom('verifications').select('status').where('id', '=', v.id).executeTakeFirstOrThrow()
      expect(row.status).toBe(w.status === 200 ? 'failed' : 'verified')
      expect(await judged(v.id)).toBe(v.questions.length)
    }
  })

  it('20 wrong one-time codes at once use at most the attempts left, and count toward the lock', async () => {
    const v = (await start()).json as Opened
    expect((await http.request('POST', `/api/verifications/${v.id}/code`, { cookie: agent, body: { channel: 'sms' } })).status).toBe(202)
    const { statuses } = await inParallel(20, (i) =>
      http.request('POST', `/api/verifications/${v.id}/code/check`, { cookie: agent, body: { code: String(100000 + i) } }),
    )
    const judgedCodes = await auditCount('verification.code_checked')
    expect(statuses.filter((s) => s === 200)).toHaveLength(judgedCodes)
    // Three wrong codes are three failures: the customer locks before the code's five attempts are used.
    expect(judgedCodes).toBe(3)
    const code = await t.db
      .selectFrom('verification_codes')
      .select('attempts')
      .where('verification_id', '=', v.id)
      .executeTakeFirstOrThrow()
    expect(code.attempts).toBe(3)
    const customer = await t.db.selectFrom('customers').select('status').where('id', '=', customerId).executeTakeFirstOrThrow()
    expect(customer.status).toBe('locked')
  })

  it('30 code requests at once send at most three codes for one verification', async () => {
    const v = (await start()).json as Opened
    const { statuses } = await inParallel(30, () =>
      http.request('POST', `/api/verifications/${v.id}/code`, { cookie: agent, body: { channel: 'email' } }),
    )
    expect(tally(statuses)).toEqual({ 202: 3, 429: 27 })
    expect(await t.db.selectFrom('outbox').select('id').where('customer_id', '=', customerId).execute()).toHaveLength(3)
  })
})

describe('limits that stop abuse', () => {
  it('sends one customer at most five codes a day, across verifications', async () => {
    const sent: number[] = []
    for (let i = 0; i < 3; i++) {
      const v = (await start()).json as Opened
      for (let j = 0; j < 3; j++) {
        sent.push((await http.request('POST', `/api/verifications/${v.id}/code`, { cookie: agent, body: { channel: 'email' } })).status)
      }
    }
    expect(tally(sent)).toEqual({ 202: 5, 429: 4 })
  })

  it('stops an agent whose verifications fail across several customers, until compliance clears the flag', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await fullyOnFile(t.db, i)
      expect((await answer((await start(id)).json, false, id)).json.status).toBe('failed')
    }
    const refused = await start(await fullyOnFile(t.db, 6))
    expect(refused.status).toBe(429)
    expect(refused.json.error.message).toMatch(/compliance/)
    const compliance = await http.login('compliance')
    const flags = await http.request('GET', listUrl('flags', { filter: { kind: 'agent_failing', open: true } }), { cookie: compliance })
    expect(flags.json).toHaveLength(1)
    const resolved = await http.request('POST', `/api/flags/${flags.json[0].id}/resolve`, {
      cookie: compliance,
      body: { resolution: 'Spoke with the agent: a noisy line.' },
    })
    expect(resolved.status).toBe(200)
    expect((await start(await fullyOnFile(t.db, 6))).status).toBe(201)
  })

  it('stops an agent who opens verifications for many customers without passing any', async () => {
    for (let i = 0; i < 10; i++) expect((await start(await fullyOnFile(t.db, i))).status).toBe(201)
    expect((await start(await fullyOnFile(t.db, 11))).status).toBe(429)
  })

  it('a flag is resolved once, however many resolve it at once', async () => {
    for (let i = 0; i < 11; i++) await start(await fullyOnFile(t.db, i))
    const compliance = await http.login('compliance')
    const [flag] = (await http.request('GET', listUrl('flags', { filter: { kind: 'agent_probing' } }), { cookie: compliance })).json
    const { statuses } = await inParallel(30, () =>
      http.request('POST', `/api/flags/${flag.id}/resolve`, { cookie: compliance, body: { resolution: 'Reviewed the calls.' } }),
    )
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    expect(await auditCount('flag.resolve')).toBe(1)
  })
})

describe('search is no oracle', () => {
  it('holds each agent to the search rate, counted exactly under parallel requests, and flags compliance', async () => {
    const c = await t.db.selectFrom('customers').select('email').where('id', '=', customerId).executeTakeFirstOrThrow()
    const { statuses } = await inParallel(40, () =>
      http.request('GET', listUrl('customers', { filter: { q: c.email } }), { cookie: agent }),
    )
    expect(tally(statuses)).toEqual({ 200: 30, 429: 10 })
    expect(await auditCount('customer.search')).toBe(30)
    const compliance = await http.login('compliance')
    const flags = await http.request('GET', listUrl('flags', { filter: { kind: 'search_rate' } }), { cookie: compliance })
    expect(flags.json).toHaveLength(1)
  })

  it('gives an agent at most a page of customers by id', async () => {
    const ids = Array.from({ length: 26 }, (_, i) => i + 1)
    expect((await http.request('GET', listUrl('customers', { filter: { id: ids } }), { cookie: agent })).status).toBe(400)
    const page = await http.request('GET', listUrl('customers', { filter: { id: ids.slice(0, 25) } }), { cookie: agent })
    expect(page.status).toBe(200)
    expect(page.json).toHaveLength(25)
  })
})
