import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callerAnswers, createTestApp, fullyOnFile, listUrl, TEST_PASSWORD } from '../../testing.js'
import { wrongAnswer } from './verifications.testing.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
let agent: string
let customerId: number
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({ customers: 60, config: { now: () => clock } })
  agent = await t.login('agent')
  customerId = await fullyOnFile(t.db)
})
afterEach(() => t.close())
const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000))

async function start(cookie = agent, id = customerId) {
  return t.request('POST', '/api/verifications', { cookie, body: { customerId: id, channel: 'phone' } })
}
async function answerAll(v: { id: number; questions: { id: number; field: string }[] }, right: boolean, cookie = agent, id = customerId) {
  const truth = await callerAnswers(t.db, id)
  return t.request('POST', `/api/verifications/${v.id}/answers`, {
    cookie,
    body: { answers: v.questions.map((q) => ({ questionId: q.id, value: right ? truth[q.field]! : wrongAnswer(q.field) })) },
  })
}

describe('opening a verification', () => {
  it('draws up to three questions from what is on file, one about a transaction', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await start()
      expect(res.status).toBe(201)
      expect(res.json).toMatchObject({ status: 'pending', customerId })
      expect(res.json.questions).toHaveLength(3)
      const fields = res.json.questions.map((q: { field: string }) => q.field)
      expect(new Set(fields).size).toBe(3)
      expect(fields.some((f: string) => f === 'order_number' || f === 'card_last4')).toBe(true)
      for (const q of res.json.questions) expect(Object.keys(q).sort()).toEqual(['field', 'id', 'label'])
    }
  })

  it('refuses unknown customers, bad channels and extra fields', async () => {
    expect((await start(agent, 999_999)).status).toBe(404)
    expect((await t.request('POST', '/api/verifications', { cookie: agent, body: { customerId, channel: 'pigeon' } })).status).toBe(400)
    expect(
      (await t.request('POST', '/api/verifications', { cookie: agent, body: { customerId, channel: 'phone', status: 'verified' } })).status,
    ).toBe(400)
  })
})

describe('answering', () => {
  it('passes with the right answers in the caller’s own formats, and opens the record for this agent only', async () => {
    const v = (await start()).json
    const truth = await callerAnswers(t.db, customerId)
    const spoken = (field: string) => {
      const value = truth[field]!
      if (field === 'email') return `  ${value.toUpperCase()} `
      if (field === 'birth_date') return value.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日')
      if (field === 'order_number') return value.toLowerCase()
      return value.split('').join(' ')
    }
    const res = await t.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: agent,
      body: { answers: v.questions.map((q: { id: number; field: string }) => ({ questionId: q.id, value: spoken(q.field) })) },
    })
    expect(res.json.status).toBe('verified')
    expect(res.json.results.every((r: { match: boolean }) => r.match)).toBe(true)
    const record = await t.request('GET', `/api/customers/${customerId}`, { cookie: agent })
    expect(record.json.masked).toBe(false)
    expect(record.json.email).toBe(truth.email)
    expect(record.json.access).toMatchObject({ basis: 'verification' })
    // another agent is not verified for this caller
    await t.addStaff('agent', 'agent2@example.com', 'Second Agent')
    const agent2 = (
      await t.app.request('http://localhost/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
        body: JSON.stringify({ email: 'agent2@example.com', password: TEST_PASSWORD }),
      })
    ).headers
      .get('set-cookie')!
      .split(';')[0]!
    expect((await t.request('GET', `/api/customers/${customerId}`, { cookie: agent2 })).json.masked).toBe(true)
  })

  it('answers one question at a time, match or no match, and never echoes or stores an answer', async () => {
    const v = (await start()).json
    const truth = await callerAnswers(t.db, customerId)
    const [first, ...rest] = v.questions
    const one = await t.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: agent,
      body: { answers: [{ questionId: first.id, value: truth[first.field] }] },
    })
    expect(one.json).toEqual({ id: v.id, status: 'pending', results: [{ questionId: first.id, match: true }], unmaskedUntil: null })
    const again = await t.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: agent,
      body: { answers: [{ questionId: first.id, value: 'x' }] },
    })
    expect(again.status).toBe(409)
    const canary = 'CANARY-ANSWER-7731'
    const wrong = await t.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie: agent,
      body: { answers: [{ questionId: rest[0].id, value: canary }] },
    })
    expect(wrong.json.status).toBe('failed')
    expect(wrong.text).not.toContain(canary)
    for (const value of Object.values(truth)) if (value) expect(wrong.text).not.toContain(value)
    const dump = JSON.stringify(
      await Promise.all(
        ['verifications', 'verification_questions', 'audit_log', 'outbox'].map((table) =>
          t.db
            .selectFrom(table as 'audit_log')
            .selectAll()
            .execute(),
        ),
      ),
    )
    expect(dump).not.toContain(canary)
    expect((await t.request('GET', `/api/customers/${customerId}`, { cookie: agent })).json.masked).toBe(true)
  })

  it('expires if not completed in time', async () => {
    const v = (await start()).json
    later(6)
    expect((await answerAll(v, true)).status).toBe(409)
    const stored = await t.db.selectFrom('verifications').select('status').where('id', '=', v.id).executeTakeFirstOrThrow()
    expect(stored.status).toBe('expired')
  })

  it('is the opening agent’s alone', async () => {
    const v = (await start()).json
    const compliance = await t.login('compliance')
    expect((await answerAll(v, true, compliance)).status).toBe(404)
  })
})

describe('the unmask window', () => {
  it('closes after 15 minutes', async () => {
    await answerAll((await start()).json, true)
    later(14)
    expect((await t.request('GET', `/api/customers/${customerId}`, { cookie: agent })).json.masked).toBe(false)
    later(2)
    expect((await t.request('GET', `/api/customers/${customerId}`, { cookie: agent })).json.masked).toBe(true)
  })

  it('follows the setting an admin changes', async () => {
    await t.changeSetting('unmask_window_minutes', 5)
    await answerAll((await start()).json, true)
    later(6)
    expect((await t.request('GET', `/api/customers/${customerId}`, { cookie: agent })).json.masked).toBe(true)
  })
})

describe('limits', () => {
  it('locks the customer after three failed verifications in a day, flags it to compliance and answers 429', async () => {
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await answerAll((await start()).json, false)).json.status)
    expect(statuses).toEqual(['failed', 'failed', 'locked'])
    const refused = await start()
    expect(refused.status).toBe(429)
    expect(refused.json.error.message).toMatch(/locked/)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    const compliance = await t.login('compliance')
    const flags = await t.request('GET', listUrl('flags', { filter: { open: true } }), { cookie: compliance })
    expect(flags.json).toHaveLength(1)
    expect(flags.json[0]).toMatchObject({ kind: 'verification_locked', customer_id: customerId })
    const resolved = await t.request('POST', `/api/flags/${flags.json[0].id}/resolve`, {
      cookie: compliance,
      body: { resolution: 'Called the customer back on the number on file.' },
    })
    expect(resolved.status).toBe(200)
    expect((await start()).status).toBe(201)
  })

  it('failures on other days do not add up', async () => {
    for (let i = 0; i < 2; i++) await answerAll((await start()).json, false)
    later(25 * 60)
    agent = await t.login('agent') // the old session has expired by now
    expect((await answerAll((await start()).json, false)).json.status).toBe('failed')
  })

  it('flags an agent who opens verifications for more customers than allowed without passing', async () => {
    const ids = (await t.db.selectFrom('customers').select('id').where('status', '=', 'active').limit(11).execute()).map((r) => r.id)
    for (const id of ids) await start(agent, id)
    const flags = await t.request('GET', listUrl('flags', { filter: { kind: 'agent_probing' } }), { cookie: await t.login('compliance') })
    expect(flags.json).toHaveLength(1)
    expect(flags.json[0].staff_id).toBe(1)
  })
})

describe('one-time codes', () => {
  it('are sent through the outbox, stored only hashed, and read back by the caller', async () => {
    const messages: string[] = []
    const t2 = await createTestApp({
      customers: 30,
      config: { transport: { name: 'capture', send: async (m) => (messages.push(m.body), 'sent') } },
    })
    const cookie = await t2.login('agent')
    const id = await fullyOnFile(t2.db)
    const v = (await t2.request('POST', '/api/verifications', { cookie, body: { customerId: id, channel: 'phone' } })).json
    const sent = await t2.request('POST', `/api/verifications/${v.id}/code`, { cookie, body: { channel: 'email' } })
    expect(sent.status).toBe(202)
    expect(sent.json).toMatchObject({ sent: true, status: 'sent', channel: 'email' })
    expect(sent.json.recipient).toMatch(/^.\*\*\*@/)
    const code = messages[0]!.match(/\b(\d{6})\b/)![1]!
    const stored =
      JSON.stringify(await t2.db.selectFrom('verification_codes').selectAll().execute()) +
      JSON.stringify(await t2.db.selectFrom('outbox').selectAll().execute())
    expect(stored).not.toContain(code)
    const wrong = await t2.request('POST', `/api/verifications/${v.id}/code/check`, {
      cookie,
      body: { code: code === '000000' ? '111111' : '000000' },
    })
    expect(wrong.json).toMatchObject({ match: false, status: 'pending', attemptsLeft: 4 })
    const truth = await callerAnswers(t2.db, id)
    const answered = await t2.request('POST', `/api/verifications/${v.id}/answers`, {
      cookie,
      body: { answers: v.questions.map((q: { id: number; field: string }) => ({ questionId: q.id, value: truth[q.field] })) },
    })
    // a code was sent, so it is needed too
    expect(answered.json.status).toBe('pending')
    const right = await t2.request('POST', `/api/verifications/${v.id}/code/check`, { cookie, body: { code: code.split('').join(' ') } })
    expect(right.json).toMatchObject({ match: true, status: 'verified' })
    const outbox = await t2.request('GET', listUrl('outbox'), { cookie: await t2.login('compliance') })
    expect(outbox.json[0]).toMatchObject({ template: 'verification_code', status: 'sent', customer_id: id })
    expect(outbox.text).not.toContain(truth.email!)
    await t2.close()
  })

  it('that cannot be delivered are on the record as failed, with the error', async () => {
    const t2 = await createTestApp({
      customers: 10,
      config: {
        transport: {
          name: 'down',
          send: async () => {
            throw new Error('connection refused')
          },
        },
      },
    })
    const cookie = await t2.login('agent')
    const v = (await t2.request('POST', '/api/verifications', { cookie, body: { customerId: await fullyOnFile(t2.db), channel: 'phone' } }))
      .json
    const sent = await t2.request('POST', `/api/verifications/${v.id}/code`, { cookie, body: { channel: 'email' } })
    expect(sent.json).toMatchObject({ sent: false, status: 'failed' })
    const row = await t2.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'failed', last_error: 'connection refused', attempts: 1 })
    await t2.close()
  })

  it('run out after five wrong tries', async () => {
    const v = (await start()).json
    await t.request('POST', `/api/verifications/${v.id}/code`, { cookie: agent, body: { channel: 'sms' } })
    for (let i = 0; i < 5; i++)
      await t.request('POST', `/api/verifications/${v.id}/code/check`, { cookie: agent, body: { code: '99999' + i } })
    expect((await t.request('POST', `/api/verifications/${v.id}/code/check`, { cookie: agent, body: { code: '123456' } })).status).toBe(409)
  })
})
