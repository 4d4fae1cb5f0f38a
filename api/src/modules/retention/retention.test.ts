import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../app.js'
import { maskEmail, maskPhone } from '../../platform/masking.js'
import { callerAnswers, createTestApp, fullyOnFile, listUrl, recordQueries, tablesReadWhole, TEST_AUDIT_KEY } from '../../testing.js'
import { verifyAuditChain } from '../audit/audit.service.js'
import { wrongAnswer } from '../verifications/verifications.testing.js'
import { startRetentionSchedule } from './retention.schedule.js'
import { monthsBefore, type RetentionContext, runRetention } from './retention.service.js'

const DAY = 86_400_000
const START = new Date('2026-06-01T09:00:00Z')

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
let customer: number
let heldCustomer: number
beforeEach(async () => {
  clock = START
  t = await createTestApp({ customers: 60, config: { now: () => clock } })
  customer = await fullyOnFile(t.db)
  heldCustomer = await fullyOnFile(t.db, 1)
})
afterEach(() => t.close())

const later = (days: number) => (clock = new Date(clock.getTime() + days * DAY))
const systemContext = (): RetentionContext => ({
  staff: null,
  ip: null,
  now: clock,
  config: { auditKey: TEST_AUDIT_KEY, session: DEFAULT_CONFIG.session },
})

/** What an agent leaves behind serving a caller: a failed verification, a passed one with a code, a reset link, a search. */
async function serveCaller(agent: string, id: number) {
  const truth = await callerAnswers(t.db, id)
  const answer = async (right: boolean) => {
    const v = (await t.request('POST', '/api/verifications', { cookie: agent, body: { customerId: id, channel: 'phone' } })).json
    if (!right) {
      const sent = await t.request('POST', `/api/verifications/${v.id}/code`, { cookie: agent, body: { channel: 'email' } })
      expect(sent.status).toBe(202)
    }
    const answers = v.questions.map((q: { id: number; field: string }) => ({
      questionId: q.id,
      value: right ? truth[q.field]! : wrongAnswer(q.field),
    }))
    const res = await t.request('POST', `/api/verifications/${v.id}/answers`, { cookie: agent, body: { answers } })
    expect(res.json.status).toBe(right ? 'verified' : 'failed')
  }
  await answer(false)
  await answer(true)
  expect((await t.request('POST', `/api/customers/${id}/password-reset`, { cookie: agent })).status).toBe(202)
  expect((await t.request('GET', listUrl('customers', { filter: { q: truth.email } }), { cookie: agent })).status).toBe(200)
}

/** Puts the customer under a legal hold the way compliance does: an open preservation request naming them. */
async function placeHold(id: number) {
  const officer = await t.login('compliance')
  const res = await t.request('POST', '/api/disclosures', {
    cookie: officer,
    body: {
      type: 'preservation',
      authority: 'Shenzhen Public Security Bureau',
      jurisdiction: 'CN',
      legalBasis: 'Criminal Procedure Law art. 54',
      caseNumber: 'SZ-2026-0611',
      receivedAt: START.toISOString().slice(0, 10),
      subjectIds: [id],
    },
  })
  expect(res.status).toBe(201)
}

const rowsOf = async (db: Kysely<Database>, id: number) => ({
  questions: await db
    .selectFrom('verification_questions as q')
    .innerJoin('verifications as v', 'v.id', 'q.verification_id')
    .select('q.id')
    .where('v.customer_id', '=', id)
    .execute(),
  codes: await db
    .selectFrom('verification_codes as c')
    .innerJoin('verifications as v', 'v.id', 'c.verification_id')
    .select('c.id')
    .where('v.customer_id', '=', id)
    .execute(),
  verifications: await db.selectFrom('verifications').select(['id', 'status']).where('customer_id', '=', id).orderBy('id').execute(),
  failures: await db.selectFrom('verification_failures').select('id').where('customer_id', '=', id).execute(),
  hits: await db.selectFrom('search_hits').select('id').where('customer_id', '=', id).execute(),
  outbox: await db
    .selectFrom('outbox')
    .select(['id', 'channel', 'recipient', 'payload'])
    .where('customer_id', '=', id)
    .orderBy('id')
    .execute(),
  logs: await db.selectFrom('access_logs').select(['id', 'at']).where('customer_id', '=', id).orderBy('id').execute(),
})

async function insertAccessLogs(id: number, ats: string[]) {
  await t.db
    .insertInto('access_logs')
    .values(ats.map((at) => ({ customer_id: id, at, ip: '203.0.113.9', os: 'iOS', browser: 'Safari', referrer: null })))
    .execute()
}

describe('a retention run', () => {
  it('deletes and clears what is past its time, keeps what is not, and skips a customer under legal hold', async () => {
    const agent = await t.login('agent')
    await serveCaller(agent, customer)
    await serveCaller(agent, heldCustomer)
    await placeHold(heldCustomer)
    expect(
      (await t.request('POST', '/api/auth/login', { body: { email: 'manager@example.com', password: 'not-the-password' } })).status,
    ).toBe(401)
    const before = { customer: await rowsOf(t.db, customer), held: await rowsOf(t.db, heldCustomer) }
    expect(before.customer.questions.length).toBeGreaterThan(0)
    expect(before.customer.codes).toHaveLength(1)
    expect(before.customer.failures).toHaveLength(1)
    expect(before.customer.hits.length).toBeGreaterThan(0)
    expect(before.customer.outbox).toHaveLength(2)
    expect(await t.db.selectFrom('rate_counters').select('key').execute()).not.toHaveLength(0)
    expect(await t.db.selectFrom('login_throttle').select('key').execute()).not.toHaveLength(0)

    // 100 days on: past the 90 days of verification detail and the 30 of the outbox
    later(100)
    const logsCutoff = monthsBefore(clock, 13).toISOString()
    const old = new Date(Date.parse(logsCutoff) - DAY).toISOString()
    const recent = new Date(Date.parse(logsCutoff) + DAY).toISOString()
    await insertAccessLogs(customer, [old, recent])
    await insertAccessLogs(heldCustomer, [old, recent])
    const oldLogs = await t.db.selectFrom('access_logs').select(['id', 'customer_id']).where('at', '<', logsCutoff).execute()
    const totalLogs = (await t.db.selectFrom('access_logs').select('id').execute()).length
    const heldOldLogs = oldLogs.filter((l) => l.customer_id === heldCustomer).length
    expect(heldOldLogs).toBeGreaterThan(0)

    // what is current stays: a verification today, a session signed in today, an export whose link still works
    const fresh = await t.login('agent')
    const today = (await t.request('POST', '/api/verifications', { cookie: fresh, body: { customerId: customer, channel: 'phone' } })).json
    const { id: requestId } = await t.db
      .insertInto('data_requests')
      .values({
        customer_id: customer,
        type: 'access',
        status: 'completed',
        verification_id: null,
        changes: null,
        filed_by: 1,
        decided_by: 2,
        decided_at: clock.toISOString(),
        decision_note: null,
        completed_at: clock.toISOString(),
        created_at: clock.toISOString(),
        updated_at: clock.toISOString(),
        due_at: null,
        extended_at: null,
        extension_reason: null,
        caller_name: null,
        result: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const exportRow = (expires: number, hash: string) => ({
      request_id: requestId,
      token_hash: hash,
      content: '{}',
      created_at: clock.toISOString(),
      expires_at: new Date(clock.getTime() + expires * DAY).toISOString(),
      downloaded_at: null,
    })
    await t.db
      .insertInto('request_exports')
      .values([exportRow(-1, 'a'.repeat(64)), exportRow(7, 'b'.repeat(64))])
      .execute()

    // set-password links for staff: one past its day, one still good
    for (const [token_hash, expires] of [
      ['a'.repeat(64), -1],
      ['b'.repeat(64), 1],
    ] as const) {
      await t.db
        .insertInto('staff_password_links')
        .values({
          staff_id: 1,
          token_hash,
          purpose: 'reset',
          requested_by: 4,
          created_at: clock.toISOString(),
          expires_at: new Date(clock.getTime() + expires * 86_400_000).toISOString(),
          used_at: null,
        })
        .execute()
    }
    const counts = await runRetention(t.db, systemContext())
    expect(counts).toEqual({
      access_logs: oldLogs.length - heldOldLogs,
      verification_questions: before.customer.questions.length,
      verification_codes: 1,
      verification_failures: 1,
      search_hits: before.customer.hits.length,
      outbox_cleared: 2,
      rate_counters: expect.any(Number),
      login_throttle: expect.any(Number),
      staff_sessions: 2, // the agent's and the officer's of 100 days ago
      reset_links: 2,
      staff_links: 1,
      request_exports: 1,
      held_customers_skipped: 1,
    })
    expect(counts.rate_counters).toBeGreaterThan(0)
    expect(counts.login_throttle).toBeGreaterThan(0)

    const after = { customer: await rowsOf(t.db, customer), held: await rowsOf(t.db, heldCustomer) }
    // access logs: the old ones go, recent ones and the held customer's stay
    expect((await t.db.selectFrom('access_logs').select('id').execute()).length).toBe(totalLogs - counts.access_logs)
    expect(after.customer.logs.every((l) => l.at >= logsCutoff)).toBe(true)
    expect(after.customer.logs.map((l) => l.at)).toContain(recent)
    expect(after.held.logs).toHaveLength(before.held.logs.length + 2)
    expect(after.held.logs.slice(0, before.held.logs.length)).toEqual(before.held.logs)
    expect(after.held.logs.map((l) => l.at)).toEqual(expect.arrayContaining([old, recent]))
    // verifications stay as the record that they happened and how they ended; their detail goes
    expect(after.customer.verifications.slice(0, -1)).toEqual(before.customer.verifications)
    expect(after.customer.verifications.map((v) => v.status)).toEqual(['failed', 'verified', 'pending'])
    expect(after.customer.questions).toHaveLength(today.questions.length)
    expect(after.customer.codes).toHaveLength(0)
    expect(after.customer.failures).toHaveLength(0)
    expect(after.customer.hits).toHaveLength(0)
    // the outbox keeps that a message went, not to whom
    const { email } = await t.db.selectFrom('customers').select('email').where('id', '=', customer).executeTakeFirstOrThrow()
    expect(after.customer.outbox.map((m) => [m.recipient, m.payload])).toEqual([
      [maskEmail(email), '{}'],
      [maskEmail(email), '{}'],
    ])
    // the held customer keeps everything
    expect(after.held).toEqual({ ...before.held, logs: after.held.logs })
    // what expired is gone, what is current stays
    expect(await t.db.selectFrom('staff_sessions').select('id').execute()).toHaveLength(1)
    expect(await t.request('GET', '/api/auth/me', { cookie: fresh })).toMatchObject({ status: 200 })
    expect(await t.db.selectFrom('password_reset_tokens').select('id').execute()).toHaveLength(0)
    expect(await t.db.selectFrom('staff_password_links').select('token_hash').execute()).toEqual([{ token_hash: 'b'.repeat(64) }])
    expect(await t.db.selectFrom('request_exports').select('token_hash').execute()).toEqual([{ token_hash: 'b'.repeat(64) }])
    const counters = await t.db.selectFrom('rate_counters').select('window_started_at').execute()
    expect(counters.every((c) => c.window_started_at > new Date(clock.getTime() - DAY).toISOString())).toBe(true)
    expect(await t.db.selectFrom('login_throttle').select('key').execute()).toHaveLength(0)
    // disclosures and their accounting are untouched
    expect(await t.db.selectFrom('legal_holds').select('customer_id').where('released_at', 'is', null).execute()).toEqual([
      { customer_id: heldCustomer },
    ])
  })

  it('is audited once with its counts and no personal value, and a second run finds nothing more to do', async () => {
    const agent = await t.login('agent')
    await serveCaller(agent, customer)
    await serveCaller(agent, heldCustomer)
    await placeHold(heldCustomer)
    later(400)

    const first = await runRetention(t.db, systemContext())
    const second = await runRetention(t.db, systemContext())
    expect(first.access_logs).toBeGreaterThan(0)
    expect(second).toEqual({
      access_logs: 0,
      verification_questions: 0,
      verification_codes: 0,
      verification_failures: 0,
      search_hits: 0,
      outbox_cleared: 0,
      rate_counters: 0,
      login_throttle: 0,
      staff_sessions: 0,
      reset_links: 0,
      staff_links: 0,
      request_exports: 0,
      held_customers_skipped: 1,
    })

    const entries = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'retention.run').orderBy('id').execute()
    expect(entries).toHaveLength(2)
    const rules = { access_log_months: 13, verification_days: 90, outbox_days: 30 }
    expect(entries.map((e) => JSON.parse(e.details))).toEqual([
      { ...first, ...rules },
      { ...second, ...rules },
    ])
    for (const e of entries) {
      expect(e).toMatchObject({ actor_id: null, actor_role: null, ip: null, customer_id: null, at: clock.toISOString() })
      expect(Object.values(JSON.parse(e.details)).every((v) => typeof v === 'number')).toBe(true)
    }
    const people = await t.db.selectFrom('customers').selectAll().where('id', 'in', [customer, heldCustomer]).execute()
    const personal = people.flatMap((p) => [p.email, p.phone, p.first_name, p.last_name, p.birth_date, maskPhone(p.phone)])
    for (const value of personal.filter((v): v is string => !!v)) {
      expect(entries.some((e) => e.details.includes(value))).toBe(false)
    }
    expect(await verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
  })

  it('reaches a customer once the hold is released', async () => {
    const agent = await t.login('agent')
    await serveCaller(agent, heldCustomer)
    await placeHold(heldCustomer)
    later(100)
    expect(await runRetention(t.db, systemContext())).toMatchObject({ verification_codes: 0, held_customers_skipped: 1 })
    await t.db.updateTable('legal_holds').set({ released_at: clock.toISOString(), released_by: 2, release_reason: 'case closed' }).execute()
    expect(await runRetention(t.db, systemContext())).toMatchObject({ verification_codes: 1, outbox_cleared: 2, held_customers_skipped: 0 })
    expect((await rowsOf(t.db, heldCustomer)).questions).toHaveLength(0)
  })

  it('masks the address or number a delivery error quotes, in messages to staff as well', async () => {
    const old = new Date(clock.getTime() - 31 * DAY).toISOString()
    const message = (recipient: string, channel: 'email' | 'sms', last_error: string) => ({
      customer_id: null,
      channel,
      template: 'password_reset',
      recipient,
      payload: '{"expires_minutes":60}',
      subject: null,
      status: 'failed' as const,
      last_error,
      created_at: old,
      sent_at: null,
    })
    await t.db
      .insertInto('outbox')
      .values([
        message('new.officer@example.com', 'email', '550 5.1.1 <new.officer@example.com>: Recipient address rejected'),
        message('+86 138 1234 5678', 'sms', 'number +86 138 1234 5678 unreachable'),
      ])
      .execute()
    expect((await runRetention(t.db, systemContext())).outbox_cleared).toBe(2)
    expect(await t.db.selectFrom('outbox').select(['recipient', 'payload', 'last_error']).orderBy('id').execute()).toEqual([
      { recipient: 'n***@example.com', payload: '{}', last_error: '550 5.1.1 <n***@example.com>: Recipient address rejected' },
      { recipient: '+•• ••• •••• ••••', payload: '{}', last_error: 'number +•• ••• •••• •••• unreachable' },
    ])
  })

  it('keeps the questions of a verification that a pending request rests on until the request is decided', async () => {
    const agent = await t.login('agent')
    const v = (await t.request('POST', '/api/verifications', { cookie: agent, body: { customerId: customer, channel: 'phone' } })).json
    const at = clock.toISOString()
    const { id: requestId } = await t.db
      .insertInto('data_requests')
      .values({
        customer_id: customer,
        type: 'erasure',
        verification_id: v.id,
        changes: null,
        filed_by: 1,
        decided_by: null,
        decided_at: null,
        decision_note: null,
        completed_at: null,
        created_at: at,
        updated_at: at,
        due_at: null,
        extended_at: null,
        extension_reason: null,
        caller_name: null,
        result: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    later(100)
    expect((await runRetention(t.db, systemContext())).verification_questions).toBe(0)
    await t.db.updateTable('data_requests').set({ status: 'completed' }).where('id', '=', requestId).execute()
    expect((await runRetention(t.db, systemContext())).verification_questions).toBe(v.questions.length)
  })

  it('follows the rules in settings', async () => {
    await runRetention(t.db, systemContext())
    const logs = () => t.db.selectFrom('access_logs').select('at').execute()
    const kept = (await logs()).length
    await insertAccessLogs(customer, [new Date(clock.getTime() - 40 * DAY).toISOString()])
    expect((await runRetention(t.db, systemContext())).access_logs).toBe(0)
    expect(await logs()).toHaveLength(kept + 1)
    const admin = await t.login('admin')
    expect((await t.request('PUT', '/api/settings/retention_access_log_months', { cookie: admin, body: { value: 1 } })).status).toBe(200)
    const { access_logs } = await runRetention(t.db, systemContext())
    expect(access_logs).toBeGreaterThan(0)
    const left = await logs()
    expect(left).toHaveLength(kept + 1 - access_logs)
    expect(left.every((l) => l.at >= monthsBefore(clock, 1).toISOString())).toBe(true)
  })

  it('changes nothing when it fails part-way', async () => {
    await insertAccessLogs(customer, ['2020-01-01T00:00:00.000Z'])
    const count = async () => (await t.db.selectFrom('access_logs').select('id').execute()).length
    const before = await count()
    // a context without its session rule fails after the access logs were deleted, inside the transaction
    const broken = { ...systemContext(), config: { auditKey: TEST_AUDIT_KEY } } as unknown as RetentionContext
    await expect(runRetention(t.db, broken)).rejects.toThrow()
    expect(await count()).toBe(before)
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'retention.run').execute()).toHaveLength(0)
  })

  it('takes passes when there is more than a pass takes: each one audited, the counts their sum, the holds still kept', async () => {
    await placeHold(heldCustomer)
    await t.db.deleteFrom('access_logs').execute() // the seed's: only these are old
    const old = Array.from({ length: 5 }, (_, i) => `2020-01-0${i + 1}T00:00:00.000Z`)
    await insertAccessLogs(customer, old)
    await insertAccessLogs(heldCustomer, old)

    const counts = await runRetention(t.db, systemContext(), { rowsPerPass: 2 })
    expect(counts).toMatchObject({ access_logs: 5, held_customers_skipped: 1 })
    const left = await t.db.selectFrom('access_logs').select('customer_id').where('at', '<', '2021-01-01').execute()
    expect(left.map((l) => l.customer_id)).toEqual(Array(5).fill(heldCustomer))
    const passes = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'retention.run').orderBy('id').execute()
    const details = passes.map((e) => JSON.parse(e.details))
    expect(details).toMatchObject([
      { pass: 1, more: true, access_logs: 2 },
      { pass: 2, more: true, access_logs: 2 },
      // only the last pass asks who a hold kept something of: it reads every old row the holds keep back
      { pass: 3, more: false, access_logs: 1, held_customers_skipped: 1 },
    ])
    expect(details.filter((d) => 'held_customers_skipped' in d)).toHaveLength(1)
    expect(await verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
  })

  it('stops between passes when asked, and the next run carries on; a pass of no rows is refused', async () => {
    await t.db.deleteFrom('access_logs').execute() // the seed's: only these are old
    await insertAccessLogs(customer, ['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z', '2020-01-03T00:00:00.000Z'])
    const stopped = await runRetention(t.db, systemContext(), { rowsPerPass: 2, stopping: () => true })
    expect(stopped.access_logs).toBe(2)
    const after = await runRetention(t.db, systemContext(), { rowsPerPass: 2 })
    expect(after.access_logs).toBe(1)
    for (const rowsPerPass of [0, -1, 1.5, Number.NaN])
      await expect(runRetention(t.db, systemContext(), { rowsPerPass })).rejects.toThrow(RangeError)
  })

  it('keeps the passes done when a later one fails: each pass whole and audited, or not at all', async () => {
    await t.db.deleteFrom('access_logs').execute() // the seed's: only these are old
    await insertAccessLogs(customer, ['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z', '2020-01-03T00:00:00.000Z'])
    let passes = 0
    // the session rule is read once a pass: the second pass fails there, after its access logs were deleted
    const failsSecond = {
      ...systemContext(),
      config: {
        auditKey: TEST_AUDIT_KEY,
        get session() {
          if (++passes > 1) throw new Error('the second pass fails')
          return DEFAULT_CONFIG.session
        },
      },
    }
    await expect(runRetention(t.db, failsSecond, { rowsPerPass: 2 })).rejects.toThrow('the second pass fails')
    expect(await t.db.selectFrom('access_logs').select('at').where('at', '<', '2021-01-01').execute()).toHaveLength(1)
    const audited = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'retention.run').execute()
    expect(audited.map((e) => JSON.parse(e.details))).toMatchObject([{ pass: 1, more: true, access_logs: 2 }])
    expect(await verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
  })

  it('reads only old rows by date, never every search hit, failure, access log or verification ever kept', async () => {
    // The tables that grow for good, or by a hundred rows a name search: a run that read each of their rows held every
    // writer back for a second at a million verifications and five million hits.
    await serveCaller(await t.login('agent'), customer)
    const { db: recording, queries: run } = recordQueries(t.db)
    await runRetention(recording, systemContext())
    const growing = /\b(search_hits|verification_failures|access_logs|verifications)\b/
    const statements = run.filter((q) => growing.test(q.sql))
    expect(statements.length).toBeGreaterThanOrEqual(8)
    for (const q of statements) {
      const wholeTable = (await tablesReadWhole(t.handle, q)).filter((table) =>
        /^(search_hits|verification_failures|access_logs|verifications|v)$/.test(table),
      )
      expect(wholeTable, q.sql).toEqual([])
    }
  })
})

describe('the retention schedule', () => {
  it('runs soon after start and then at every interval, survives a failed run, and stops', async () => {
    const log = { log: vi.fn(), error: vi.fn() }
    let fail = true
    const schedule = startRetentionSchedule(t.db, {
      firstRunMs: 10,
      intervalMs: 40,
      log,
      context: () => {
        if (fail) {
          fail = false
          throw new Error('database unavailable')
        }
        return systemContext()
      },
    })
    const runs = () => t.db.selectFrom('audit_log').select('id').where('action', '=', 'retention.run').execute()
    await vi.waitFor(async () => expect((await runs()).length).toBeGreaterThanOrEqual(2), { timeout: 2_000 })
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('database unavailable'))
    await schedule.stop()
    const stoppedAt = (await runs()).length
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(await runs()).toHaveLength(stoppedAt)
  })

  it('is off at an interval of 0', async () => {
    const context = vi.fn(systemContext)
    const schedule = startRetentionSchedule(t.db, { firstRunMs: 0, intervalMs: 0, context })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await schedule.stop()
    expect(context).not.toHaveBeenCalled()
  })
})

describe('monthsBefore', () => {
  it('counts calendar months, clamping the day to the shorter month', () => {
    expect(monthsBefore(new Date('2026-03-31T12:00:00Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z')
    expect(monthsBefore(new Date('2026-01-15T00:00:00Z'), 13).toISOString()).toBe('2024-12-15T00:00:00.000Z')
    expect(monthsBefore(new Date('2025-03-29T00:00:00Z'), 13).toISOString()).toBe('2024-02-29T00:00:00.000Z')
  })
})
