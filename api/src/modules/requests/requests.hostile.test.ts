/**
 * Hostile review of edit, erasure and access requests (issue 8; docs/design.md promises 2, 4, 5, 8, 10): attacks an agent
 * or compliance officer with a valid session could make through the HTTP API. Each test asserts the secure behaviour.
 */
import fs from 'node:fs'
import { migrateToLatest, openDatabase, seedCustomers } from '@verity/db'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../app.js'
import { hashPassword } from '../../platform/passwords.js'
import {
  createTestApp,
  fullyOnFile,
  inParallel,
  listUrl,
  ORIGIN,
  tally,
  TEST_AUDIT_KEY,
  TEST_DIALECT,
  TEST_MFA,
  TEST_PASSWORD,
  verifyCaller,
} from '../../testing.js'
import type { OutgoingMessage } from '../outbox/outbox.transport.js'
import { everyText, personalValues } from './requests.testing.js'
import { seedStaff } from '../staff/staff.seed.js'
import { wrongAnswer } from '../verifications/verifications.testing.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
let agent: string
let agent2: string
let compliance: string
let second: string
let sent: OutgoingMessage[]
/** when set, the transport fails the way an SMTP server does: naming the recipient in the error */
let bounce: boolean
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  sent = []
  bounce = false
  t = await createTestApp({
    customers: 200,
    config: {
      now: () => clock,
      transport: {
        name: 'capture',
        async send(m) {
          if (bounce) throw new Error(`550 5.1.1 <${m.recipient}>: Recipient address rejected: User unknown`)
          sent.push(m)
          return 'recorded'
        },
      },
    },
  })
  await t.addStaff('compliance', 'second@example.com', 'Second Officer')
  await t.addStaff('agent', 'agent2@example.com', 'Other Agent')
  agent = await t.login('agent')
  agent2 = await t.login('agent2@example.com')
  compliance = await t.login('compliance')
  second = await t.login('second@example.com')
})
afterEach(async () => {
  vi.useRealTimers()
  await t.close()
})

type V = { id: number; questions: { id: number; field: string }[] }
/** Opens a verification and answers it right. */
const verify = (customerId: number, cookie = agent, who: { caller?: string; callerName?: string } = {}): Promise<V> =>
  verifyCaller(t.request, t.db, customerId, cookie, who)
/** A passed verification that did not ask `field`. */
async function verifyWithout(customerId: number, field: string, cookie = agent): Promise<V> {
  let v = await verify(customerId, cookie)
  for (let i = 0; i < 40 && v.questions.some((q) => q.field === field); i++) v = await verify(customerId, cookie)
  expect(v.questions.map((q) => q.field)).not.toContain(field)
  return v
}
/** A passed verification that asked `field`. */
async function verifyAsking(customerId: number, field: string, cookie = agent): Promise<V> {
  let v = await verify(customerId, cookie)
  for (let i = 0; i < 60 && !v.questions.some((q) => q.field === field); i++) v = await verify(customerId, cookie)
  expect(v.questions.map((q) => q.field)).toContain(field)
  return v
}
const file = (body: Record<string, unknown>, cookie = agent) => t.request('POST', '/api/requests', { cookie, body })
const act = (id: number, step: string, cookie: string, body: unknown = {}) =>
  t.request('POST', `/api/requests/${id}/${step}`, { cookie, body })
const written = (customerId: number, type: string, extra: Record<string, unknown> = {}) =>
  file({ customerId, type, channel: 'written', ...extra }, compliance)

/** A customer with something on file for every question, and more conditions. */
async function customerWhere(where: (q: any) => any, offset = 0): Promise<number> {
  let q = t.db
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.status', '=', 'active')
    .where('c.birth_date', 'is not', null)
    .where('c.email', 'is not', null)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('addresses as a').select('a.id').whereRef('a.customer_id', '=', 'c.id').where('a.postal_code', 'is not', null),
      ),
    )
    .where((eb) => eb.exists(eb.selectFrom('orders as o').select('o.id').whereRef('o.customer_id', '=', 'c.id')))
    .where((eb) => eb.exists(eb.selectFrom('payment_methods as p').select('p.id').whereRef('p.customer_id', '=', 'c.id')))
  q = where(q)
  return (await q.orderBy('c.id').offset(offset).limit(1).executeTakeFirstOrThrow()).id
}

const leftovers = async (values: string[]) => (await everyText(t.handle)).filter((text) => values.some((v) => text.includes(v)))

async function disclosure(customerId: number, extra: Record<string, unknown> = {}) {
  const res = await t.request('POST', '/api/disclosures', {
    cookie: compliance,
    body: {
      type: 'court_order',
      authority: 'Gagging Court of Appeal',
      jurisdiction: 'GB',
      legalBasis: 'Production order',
      caseNumber: 'GAG-4471',
      receivedAt: '2026-11-20',
      subjectIds: [customerId],
      ...extra,
    },
  })
  expect(res.status, res.text).toBe(201)
  const closed = await t.request('POST', `/api/disclosures/${res.json.id}/close`, {
    cookie: second,
    body: { outcome: 'non_content', categoriesProduced: ['contact'] },
  })
  expect(closed.status, closed.text).toBe(200)
  return res.json.id as number
}
const exportLink = () => /\/api\/exports\/([A-Za-z0-9_-]{43})/.exec(sent.filter((m) => m.body.includes('/api/exports/')).at(-1)!.body)![1]!

// ---------------------------------------------------------------------------------------------------------------------
// Findings: these fail on the code as it stands.
// ---------------------------------------------------------------------------------------------------------------------

describe('what an agent can read through a request', () => {
  it('an agent never sees disclosures under legal process in a request’s result, least of all one under a non-disclosure order', async () => {
    const customerId = await fullyOnFile(t.db)
    await disclosure(customerId, { nondisclosureUntil: '2027-06-01' })
    const v = await verify(customerId)
    const filed = await file({ customerId, type: 'edit', verificationId: v.id, changes: { first_name: 'Renamed' } })
    expect(filed.status).toBe(201)
    expect((await act(filed.json.id, 'approve', compliance)).status).toBe(200)
    // Agents have no access to disclosures (design: roles table); under a gag order even their existence is secret.
    const mine = await t.request('GET', `/api/requests/${filed.json.id}`, { cookie: agent })
    expect(mine.status).toBe(200)
    expect(mine.text).not.toContain('Gagging Court')
    expect(mine.text).not.toContain('GAG-4471')
  })
})

describe('access export', () => {
  it('leaves out a disclosure whose non-disclosure order was added by an amendment', async () => {
    const customerId = await fullyOnFile(t.db)
    const d = await disclosure(customerId)
    const amended = await t.request('POST', `/api/disclosures/${d}/amendments`, {
      cookie: compliance,
      body: { reason: 'The court has since made a non-disclosure order', changes: { nondisclosureUntil: '2027-12-31' } },
    })
    expect(amended.status, amended.text).toBe(201)
    // The disclosure record itself now says it is gagged.
    expect((await t.request('GET', `/api/disclosures/${d}`, { cookie: second })).json.nondisclosureUntil).toMatch(/^2027-12-31/)
    const { id } = (await written(customerId, 'access')).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const download = await t.request('GET', `/api/exports/${exportLink()}`, { origin: null })
    expect(download.status).toBe(200)
    expect(download.json.disclosures_under_legal_process).toEqual([])
    expect(download.text).not.toContain('Gagging Court')
  })
})

describe('erasure leaves nothing behind', () => {
  it('removes the guardian’s name recorded on the verification that filed it', async () => {
    const customerId = await customerWhere((q) => q.where('c.guardian_name', 'is not', null))
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    const values = await personalValues(t.db, customerId)
    expect(values).toContain(c.guardian_name)
    const v = await verify(customerId, agent, { caller: 'guardian', callerName: c.guardian_name! })
    const filed = await file({ customerId, type: 'erasure', verificationId: v.id })
    expect(filed.status).toBe(201)
    expect((await act(filed.json.id, 'approve', compliance)).status).toBe(200)
    expect(await leftovers(values)).toEqual([])
  })

  it('clears the address a bounced message’s error names (a bounce of the erasure confirmation included)', async () => {
    const customerId = await fullyOnFile(t.db)
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    bounce = true
    const { id } = (await written(customerId, 'erasure')).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const outbox = await t.db.selectFrom('outbox').select(['template', 'last_error']).where('customer_id', '=', customerId).execute()
    expect(outbox.length).toBeGreaterThan(1)
    expect(JSON.stringify(outbox)).not.toContain(c.email!)
    expect(await leftovers([c.email!])).toEqual([])
  })

  it('clears personal values that staff wrote into reasons about the customer (break-glass reason, rejection, extension)', async () => {
    const customerId = await fullyOnFile(t.db)
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    const name = `${c.first_name} ${c.last_name}`
    const grant = await t.request('POST', `/api/customers/${customerId}/unmask`, {
      cookie: compliance,
      body: { reason: `Letter from ${name} (${c.email}) asking for deletion` },
    })
    expect(grant.status, grant.text).toBeLessThan(300)
    const first = (await written(customerId, 'edit', { changes: { last_name: 'Other' } })).json.id
    expect((await act(first, 'reject', second, { reason: `${c.email} is not the address the letter came from` })).status).toBe(200)
    const { id } = (await written(customerId, 'erasure')).json
    expect((await act(id, 'extend', second, { reason: `Waiting for ${name} to confirm by post` })).status).toBe(200)
    expect((await act(id, 'approve', second)).status).toBe(200)
    expect(await leftovers([name, c.email!])).toEqual([])
  })

  it('after erasure, the customer is not found by an order number either', async () => {
    const customerId = await fullyOnFile(t.db)
    const order = await t.db.selectFrom('orders').select('number').where('customer_id', '=', customerId).executeTakeFirstOrThrow()
    const { id } = (await written(customerId, 'erasure')).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const found = await t.request('GET', listUrl('customers', { filter: { q: order.number } }), { cookie: agent })
    expect(found.status).toBe(200)
    expect(found.json.map((x: { id: number }) => x.id)).not.toContain(customerId)
  })

  it('leaves no erased value in the SQLite file itself (free pages and WAL)', async () => {
    const file = `/tmp/verity-h9-${process.pid}-${Date.now()}.sqlite`
    const handle = openDatabase(file)
    try {
      await migrateToLatest(handle.db)
      await seedCustomers(handle, { count: 30, seed: 7 })
      await seedStaff(handle.db, TEST_AUDIT_KEY, TEST_PASSWORD)
      const at = new Date().toISOString()
      const { id: officer } = await handle.db
        .insertInto('staff_users')
        .values({ email: 'second@example.com', name: 'Second', role: 'compliance', created_at: at, updated_at: at, last_login_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      await handle.db
        .insertInto('staff_credentials')
        .values({ staff_id: officer, password_hash: await hashPassword(TEST_PASSWORD), changed_at: at })
        .execute()
      const { app } = createApp(handle.db, { auditKey: TEST_AUDIT_KEY, mfa: TEST_MFA })
      const call = async (path: string, body: unknown, cookie?: string) => {
        const res = await app.request(`${ORIGIN}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}) },
          body: JSON.stringify(body),
        })
        return { res, json: (await res.json()) as any }
      }
      const login = async (email: string) =>
        (await call('/api/auth/login', { email, password: TEST_PASSWORD })).res.headers.get('set-cookie')!.split(';')[0]!
      const c = await handle.db
        .selectFrom('customers')
        .selectAll()
        .where('email', 'is not', null)
        .where('status', '=', 'active')
        .orderBy('id')
        .executeTakeFirstOrThrow()
      const filed = await call(
        '/api/requests',
        { customerId: c.id, type: 'erasure', channel: 'written' },
        await login('compliance@example.com'),
      )
      expect(filed.res.status).toBe(201)
      const approved = await call(`/api/requests/${filed.json.id}/approve`, {}, await login('second@example.com'))
      expect(approved.res.status).toBe(200)
      const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)))
      expect(bytes.includes(Buffer.from(c.email!)), 'the erased email is still in the database file').toBe(false)
    } finally {
      await handle.close()
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
    }
  })
})

describe('who may file, for whom', () => {
  it('a “guardian” cannot file for an adult who has no guardian', async () => {
    const customerId = await customerWhere((q) => q.where('c.guardian_name', 'is', null).where('c.birth_date', '<', '1990-01-01'))
    // Refused at the start: the verification itself cannot be opened for a "guardian" of an adult.
    const start = await t.request('POST', '/api/verifications', {
      cookie: agent,
      body: { customerId, channel: 'phone', caller: 'guardian', callerName: 'Someone Unrelated' },
    })
    expect(start.status).toBe(422)
    expect(await t.db.selectFrom('data_requests').select('id').execute()).toEqual([])
  })

  it('a guardian other than the one on file cannot file for a minor', async () => {
    const customerId = await customerWhere((q) => q.where('c.guardian_name', 'is not', null))
    const start = await t.request('POST', '/api/verifications', {
      cookie: agent,
      body: { customerId, channel: 'phone', caller: 'guardian', callerName: 'Not The Guardian' },
    })
    expect(start.status).toBe(422)
    expect(start.json.error.fields.callerName).toBeTruthy()
  })

  it('compliance cannot file a phone request for a caller no one verified (only one received in writing)', async () => {
    const customerId = await fullyOnFile(t.db)
    const res = await file({ customerId, type: 'erasure', channel: 'phone' }, compliance)
    expect(res.status).toBe(422)
  })

  it('an authorised agent’s request needs their written permission attached', async () => {
    const customerId = await fullyOnFile(t.db)
    const res = await file(
      { customerId, type: 'erasure', caller: 'authorised_agent', callerName: 'Claims Helpers Ltd', channel: 'written' },
      compliance,
    )
    expect(res.status).toBe(201)
    // Not approved until the letter is attached…
    const early = await t.request('POST', `/api/requests/${res.json.id}/approve`, { cookie: second, body: {} })
    expect(early.status).toBe(409)
    expect(early.json.error.message).toMatch(/written permission/)
    const form = new FormData()
    form.append('file', new File([new TextEncoder().encode('%PDF-1.4 letter of authority')], '授权书.pdf', { type: 'application/pdf' }))
    const upload = await t.app.request(`${ORIGIN}/api/requests/${res.json.id}/attachments`, {
      method: 'POST',
      headers: { Origin: ORIGIN, Cookie: compliance },
      body: form,
    })
    expect(upload.status).toBe(201)
    // …then it is, and the letter goes with the rest of the customer's data.
    expect((await t.request('POST', `/api/requests/${res.json.id}/approve`, { cookie: second, body: {} })).status).toBe(200)
    expect(await t.db.selectFrom('request_attachments').select('id').execute()).toEqual([])
  })

  it('a pass no longer stands once a later verification of the same customer by the same agent failed', async () => {
    const customerId = await fullyOnFile(t.db)
    const pass = await verify(customerId)
    // Another caller, claiming to be the same customer, fails.
    const v2 = (await t.request('POST', '/api/verifications', { cookie: agent, body: { customerId, channel: 'phone' } })).json as V
    const failed = await t.request('POST', `/api/verifications/${v2.id}/answers`, {
      cookie: agent,
      body: { answers: v2.questions.map((q) => ({ questionId: q.id, value: wrongAnswer(q.field) })) },
    })
    expect(failed.json.status).toBe('failed')
    const res = await file({ customerId, type: 'erasure', verificationId: pass.id })
    expect(res.status).toBe(409)
  })
})

describe('filing as an oracle', () => {
  it('edit filings are no way to look up which emails belong to other customers', async () => {
    const customerId = await fullyOnFile(t.db)
    const v = await verifyWithout(customerId, 'email')
    const other = await t.db
      .selectFrom('customers')
      .select('email')
      .where('id', '!=', customerId)
      .where('email', 'is not', null)
      .executeTakeFirstOrThrow()
    // Filing does not say whether another account uses the email: it is filed like any other…
    const probe = await file({ customerId, type: 'edit', verificationId: v.id, changes: { email: other.email } })
    expect(probe.status).toBe(201)
    // …and a second probe meets the open request, not the email.
    const again = await file({ customerId, type: 'edit', verificationId: v.id, changes: { email: 'someone.else.h9@example.com' } })
    expect(again.status).toBe(409)
    expect(again.json.error.message).toMatch(/already open/)
    // Compliance learns it at approval, and the account keeps its email.
    const approve = await t.request('POST', `/api/requests/${probe.json.id}/approve`, { cookie: compliance, body: {} })
    expect(approve.status).toBe(409)
    expect(approve.json.error.message).toMatch(/Another account uses this email/)
  })
})

describe('workflow steps as an oracle', () => {
  it('an agent’s step on a request that is not theirs answers as if it did not exist, whatever its status', async () => {
    const customerId = await fullyOnFile(t.db)
    const done = (await written(customerId, 'access')).json.id
    expect((await act(done, 'approve', second)).status).toBe(200)
    const open = (await written(customerId, 'erasure')).json.id
    const missing = await act(424242, 'cancel', agent)
    expect(missing.status).toBe(404)
    for (const id of [done, open]) {
      const res = await act(id, 'cancel', agent)
      expect(res.status).toBe(404)
      expect(res.text).not.toMatch(/completed|pending/)
    }
  })
})

describe('every step on the record', () => {
  it('an erasure that cancels the customer’s other open requests puts each cancellation on their timelines', async () => {
    const customerId = await fullyOnFile(t.db)
    const access = (await written(customerId, 'access')).json.id
    const erasure = (await written(customerId, 'erasure')).json.id
    expect((await act(erasure, 'approve', second)).status).toBe(200)
    const other = await t.request('GET', `/api/requests/${access}`, { cookie: second })
    expect(other.json.status).toBe('cancelled')
    expect(other.json.timeline.map((e: { action: string }) => e.action)).toContain('request.cancel')
  })

  it('reading a request that carries proposed personal values is on the record', async () => {
    const customerId = await fullyOnFile(t.db)
    const { id } = (await written(customerId, 'edit', { changes: { email: 'new.address.h9@example.com', phone: '+49 151 2345 6789' } }))
      .json
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('customer_id', '=', customerId)
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await count()
    const read = await t.request('GET', `/api/requests/${id}`, { cookie: second })
    expect(read.json.changes.email).toBe('new.address.h9@example.com')
    expect(await count()).toBeGreaterThan(before)
  })
})

describe('notices and deadlines', () => {
  it('a request received in writing is due a month from its receipt, not from when it was typed in', async () => {
    const customerId = await customerWhere((q) => q.where('c.country', '=', 'DE'))
    const res = await file({ customerId, type: 'access', channel: 'written', receivedAt: '2026-11-02' }, compliance)
    expect(res.status, res.text).toBe(201)
    expect(res.json.due_at.slice(0, 10)).toBe('2026-12-02')
  })

  it('an approved change of email tells the new address as well as the old', async () => {
    const customerId = await fullyOnFile(t.db)
    const c = await t.db.selectFrom('customers').select('email').where('id', '=', customerId).executeTakeFirstOrThrow()
    const { id } = (await written(customerId, 'edit', { changes: { email: 'moved.h9@example.com' } })).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const to = sent.filter((m) => m.subject.includes(`#${id}`)).map((m) => m.recipient)
    expect(to).toContain(c.email)
    expect(to).toContain('moved.h9@example.com')
  })
})

// ---------------------------------------------------------------------------------------------------------------------
// What held: these pass; kept as regression tests.
// ---------------------------------------------------------------------------------------------------------------------

describe('held: verifications that do not entitle an agent to file', () => {
  it('refuses another agent’s pass, another customer’s, a failed one, a pending one and an expired one; nothing is filed', async () => {
    const customerId = await fullyOnFile(t.db)
    const other = await fullyOnFile(t.db, 1)
    const theirs = await verify(customerId, agent2)
    expect((await file({ customerId, type: 'erasure', verificationId: theirs.id })).status).toBe(422)
    const otherCustomer = await verify(other)
    expect((await file({ customerId, type: 'erasure', verificationId: otherCustomer.id })).status).toBe(422)
    expect((await file({ customerId, type: 'erasure', verificationId: 99_999 })).status).toBe(422)
    const pending = (await t.request('POST', '/api/verifications', { cookie: agent, body: { customerId, channel: 'phone' } })).json
    expect((await file({ customerId, type: 'erasure', verificationId: pending.id })).status).toBe(409)
    const failed = await t.request('POST', `/api/verifications/${pending.id}/answers`, {
      cookie: agent,
      body: { answers: pending.questions.map((q: { id: number; field: string }) => ({ questionId: q.id, value: wrongAnswer(q.field) })) },
    })
    expect(failed.json.status).toBe('failed')
    expect((await file({ customerId, type: 'erasure', verificationId: pending.id })).status).toBe(409)
    const pass = await verify(other)
    clock = new Date(clock.getTime() + 15 * 60_000 + 1)
    agent = await t.login('agent')
    expect((await file({ customerId: other, type: 'erasure', verificationId: pass.id })).status).toBe(409)
    expect(await t.db.selectFrom('data_requests').select('id').execute()).toEqual([])
  })

  it('an edit cannot change what the verification asked, however it is written', async () => {
    const customerId = await fullyOnFile(t.db)
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    const address = await t.db.selectFrom('addresses').select('id').where('customer_id', '=', customerId).executeTakeFirstOrThrow()
    const card = await t.db.selectFrom('payment_methods').select('id').where('customer_id', '=', customerId).executeTakeFirstOrThrow()
    const e = await verifyAsking(customerId, 'email')
    expect((await file({ customerId, type: 'edit', verificationId: e.id, changes: { email: c.email!.toUpperCase() } })).status).toBe(422)
    const p = await verifyAsking(customerId, 'phone_last4')
    const samePhone = `+${c.phone!.replace(/\D/g, '')}`
    expect((await file({ customerId, type: 'edit', verificationId: p.id, changes: { phone: samePhone } })).status).toBe(422)
    const z = await verifyAsking(customerId, 'postal_code')
    expect(
      (await file({ customerId, type: 'edit', verificationId: z.id, changes: { addresses: [{ id: address.id, postal_code: null }] } }))
        .status,
    ).toBe(422)
    const k = await verifyAsking(customerId, 'card_last4')
    expect(
      (await file({ customerId, type: 'edit', verificationId: k.id, changes: { payment_methods: [{ id: card.id, remove: true }] } }))
        .status,
    ).toBe(422)
  })

  it('an edit cannot take another customer’s email (any case), address or card, and odd payloads are refused', async () => {
    const customerId = await fullyOnFile(t.db)
    const other = await fullyOnFile(t.db, 1)
    const theirs = await t.db.selectFrom('customers').select('email').where('id', '=', other).executeTakeFirstOrThrow()
    const theirAddress = await t.db.selectFrom('addresses').select('id').where('customer_id', '=', other).executeTakeFirstOrThrow()
    const theirCard = await t.db.selectFrom('payment_methods').select('id').where('customer_id', '=', other).executeTakeFirstOrThrow()
    const edit = (changes: unknown) => written(customerId, 'edit', { changes })
    expect((await edit({ email: ` ${theirs.email}` })).status).toBe(400)
    expect((await edit({ addresses: [{ id: theirAddress.id, city: 'Elsewhere', is_default: true }] })).status).toBe(422)
    expect((await edit({ payment_methods: [{ id: theirCard.id, remove: true }] })).status).toBe(422)
    expect((await edit({ addresses: [{ id: theirAddress.id, is_default: false }] })).status).toBe(400)
    expect((await edit({ addresses: Array.from({ length: 21 }, (_, i) => ({ id: i + 1, city: 'X' })) })).status).toBe(400)
    const huge = await t.request('POST', '/api/requests', {
      cookie: compliance,
      body: { customerId, type: 'edit', changes: { first_name: 'x'.repeat(2 * 1024 * 1024) } },
    })
    expect(huge.status).toBe(413)
    expect(await t.db.selectFrom('data_requests').select('id').execute()).toEqual([])
    // Their email in another case or width is filed (filing looks nothing up) and refused when applied.
    const mixed = await edit({ email: theirs.email!.toUpperCase() })
    expect(mixed.status).toBe(201)
    expect((await t.request('POST', `/api/requests/${mixed.json.id}/approve`, { cookie: second, body: {} })).status).toBe(409)
    expect((await edit({ email: theirs.email!.replace(/^./, '\uFF41') })).status).toBeLessThan(500)
    // The other customer's address and card are untouched.
    expect(await t.db.selectFrom('payment_methods').select('id').where('id', '=', theirCard.id).execute()).toHaveLength(1)
  })

  it('is_default games leave exactly one default address, all the customer’s own', async () => {
    const customerId = await customerWhere((q) =>
      q.where((eb: any) =>
        eb(eb.selectFrom('addresses as a2').select(eb.fn.countAll().as('n')).whereRef('a2.customer_id', '=', 'c.id'), '>=', 2),
      ),
    )
    const addresses = await t.db.selectFrom('addresses').select('id').where('customer_id', '=', customerId).orderBy('id').execute()
    const { id } = (
      await written(customerId, 'edit', { changes: { addresses: addresses.map((a) => ({ id: a.id, is_default: true as const })) } })
    ).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const defaults = await t.db
      .selectFrom('addresses')
      .select('customer_id')
      .where('is_default', '=', 1)
      .where('customer_id', '=', customerId)
      .execute()
    expect(defaults).toHaveLength(1)
  })
})

describe('held: four eyes', () => {
  it('the filer cannot approve or reject, even after cancelling and filing again, nor through a verification of their own', async () => {
    const customerId = await fullyOnFile(t.db)
    const first = (await written(customerId, 'erasure')).json.id
    expect((await act(first, 'approve', compliance)).status).toBe(403)
    expect((await act(first, 'cancel', compliance)).status).toBe(200)
    const v = await verify(customerId, compliance)
    const again = await file({ customerId, type: 'erasure', verificationId: v.id }, compliance)
    expect(again.status).toBe(201)
    expect((await act(again.json.id, 'approve', compliance)).status).toBe(403)
    expect((await act(again.json.id, 'reject', compliance, { reason: 'Changed my mind' })).status).toBe(403)
    for (const step of ['approve', 'reject', 'extend'])
      expect((await act(again.json.id, step, agent, { reason: 'Agents decide nothing' })).status).toBe(403)
    expect((await t.db.selectFrom('customers').select('status').where('id', '=', customerId).executeTakeFirstOrThrow()).status).toBe(
      'active',
    )
  })

  it('30 mixed approve, reject, cancel and extend at once settle the request once, with one notice', async () => {
    const customerId = await fullyOnFile(t.db)
    const { id } = (await written(customerId, 'access')).json
    const http = await t.listen()
    const cookies = { filer: await http.login('compliance'), other: await http.login('second@example.com') }
    const steps = ['approve', 'reject', 'cancel', 'extend'] as const
    const { responses } = await inParallel(30, (i) => {
      const step = steps[i % 4]!
      return http.request('POST', `/api/requests/${id}/${step}`, {
        cookie: step === 'cancel' ? cookies.filer : cookies.other,
        body: step === 'approve' || step === 'cancel' ? {} : { reason: 'A reason in words' },
      })
    })
    expect(responses.every((r) => r.status < 500)).toBe(true)
    const ok = (step: string) => responses.filter((r, i) => steps[i % 4] === step && r.status === 200).length
    expect(ok('approve') + ok('reject') + ok('cancel')).toBe(1)
    expect(ok('extend')).toBeLessThanOrEqual(1)
    const notices = await t.db.selectFrom('outbox').select('payload').where('template', '=', 'request_notice').execute()
    const outcomes = notices.map((n) => JSON.parse(n.payload).outcome)
    expect(outcomes.filter((o) => o === 'completed' || o === 'rejected')).toHaveLength(ok('cancel') ? 0 : 1)
    expect(await t.db.selectFrom('request_exports').select('id').execute()).toHaveLength(ok('approve'))
  })

  it('30 filings of the same type at once: one request, the rest 409', async () => {
    const customerId = await fullyOnFile(t.db)
    const http = await t.listen()
    const cookie = await http.login('compliance')
    const { statuses } = await inParallel(30, () =>
      http.request('POST', '/api/requests', { cookie, body: { customerId, type: 'erasure', channel: 'written' } }),
    )
    expect(tally(statuses)).toEqual({ 201: 1, 409: 29 })
  })

  it('two edits giving two customers one email, approved at once: one applies, the other is a 409', async () => {
    const a = await fullyOnFile(t.db)
    const b = await fullyOnFile(t.db, 1)
    const ra = (await written(a, 'edit', { changes: { email: 'shared.h9@example.com' } })).json.id
    const rb = (await written(b, 'edit', { changes: { email: 'SHARED.h9@example.com' } })).json.id
    const http = await t.listen()
    const cookie = await http.login('second@example.com')
    const { statuses } = await inParallel(2, (i) => http.request('POST', `/api/requests/${i ? rb : ra}/approve`, { cookie, body: {} }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 1 })
    expect(await t.db.selectFrom('customers').select('id').where('email', '=', 'shared.h9@example.com').execute()).toHaveLength(1)
  })

  it('an erasure racing a new legal hold, an edit’s approval and a new request gives one consistent outcome', async () => {
    const customerId = await fullyOnFile(t.db)
    const erasure = (await written(customerId, 'erasure')).json.id
    const edit = (await written(customerId, 'edit', { changes: { first_name: 'Resurrected' } })).json.id
    const http = await t.listen()
    const officer = await http.login('compliance')
    const other = await http.login('second@example.com')
    const responses = await Promise.all([
      http.request('POST', `/api/requests/${erasure}/approve`, { cookie: other, body: {} }),
      http.request('POST', `/api/requests/${edit}/approve`, { cookie: other, body: {} }),
      http.request('POST', '/api/disclosures', {
        cookie: officer,
        body: {
          type: 'preservation',
          authority: 'Police',
          jurisdiction: 'GB',
          legalBasis: 'Preservation',
          caseNumber: 'P-1',
          receivedAt: '2026-11-26',
          subjectIds: [customerId],
        },
      }),
      http.request('POST', '/api/requests', { cookie: officer, body: { customerId, type: 'access', channel: 'written' } }),
    ])
    expect(responses.every((r) => r.status < 500)).toBe(true)
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
    const actions = await t.db
      .selectFrom('audit_log')
      .select(['id', 'action'])
      .where('customer_id', '=', customerId)
      .where('action', 'in', ['customer.erase', 'legal_hold.place', 'customer.edit'])
      .orderBy('id')
      .execute()
    if (c.status === 'erased') {
      expect(c.first_name).toBeNull()
      // Whatever came after the erasure found an erased customer: no hold before it, no edit after it, nothing pending.
      const erasedAt = actions.findIndex((a) => a.action === 'customer.erase')
      expect(actions.slice(0, erasedAt).map((a) => a.action)).not.toContain('legal_hold.place')
      expect(actions.slice(erasedAt).map((a) => a.action)).not.toContain('customer.edit')
      expect(
        await t.db.selectFrom('data_requests').select('id').where('customer_id', '=', customerId).where('status', '=', 'pending').execute(),
      ).toEqual([])
    } else {
      expect(responses[0]!.status).toBe(409)
      expect(await t.db.selectFrom('addresses').select('id').where('customer_id', '=', customerId).execute()).not.toHaveLength(0)
    }
  })
})

describe('held: lists, timeline and links', () => {
  it('an agent sees only their own requests, masked, and learns no count of anyone else’s', async () => {
    const customerId = await fullyOnFile(t.db)
    const v = await verify(customerId, agent2)
    const theirs = (await file({ customerId, type: 'access', verificationId: v.id }, agent2)).json.id
    await written(customerId, 'erasure')
    expect((await t.request('GET', `/api/requests/${theirs}`, { cookie: agent })).status).toBe(404)
    for (const filter of [
      {},
      { customer_id: customerId },
      { type: 'access' },
      { status: 'pending' },
      { due: 'this_week' },
      { id: [theirs] },
    ]) {
      const list = await t.request('GET', listUrl('requests', { filter }), { cookie: agent })
      expect(list.status).toBe(200)
      expect(list.json).toEqual([])
      expect(list.headers.get('content-range')).toMatch(/\/0$/)
    }
    const all = await t.request('GET', listUrl('requests'), { cookie: second })
    const c = await t.db.selectFrom('customers').select(['first_name', 'last_name']).where('id', '=', customerId).executeTakeFirstOrThrow()
    expect(all.text).not.toContain(c.last_name!)
  })

  it('the timeline and result carry field names, never values', async () => {
    const customerId = await fullyOnFile(t.db)
    const { id } = (await written(customerId, 'edit', { changes: { last_name: 'Valuename', phone: '+49 151 9876 5432' } })).json
    const res = await act(id, 'approve', second)
    expect(JSON.stringify(res.json.timeline)).not.toMatch(/Valuename|9876/)
    expect(JSON.stringify(res.json.result)).not.toMatch(/Valuename|9876/)
    const log = await t.db.selectFrom('audit_log').select('details').execute()
    expect(JSON.stringify(log)).not.toMatch(/Valuename|9876/)
  })

  it('an export link: unguessable, expires, dies with the erasure, and carries no staff-internal field', async () => {
    const customerId = await fullyOnFile(t.db)
    const { id } = (await written(customerId, 'access')).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const token = exportLink()
    const json = await t.request('GET', `/api/exports/${token}`, { origin: null })
    expect(json.status).toBe(200)
    expect(json.text).not.toMatch(/staff|filed_by|decided_by|decision_note|Second Officer|password|token|flag|audit|unmask|reason/i)
    expect((await t.request('GET', `/api/exports/${token.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'))}`, { origin: null })).status).toBe(
      404,
    )
    expect((await t.request('GET', `/api/exports/${token}x`, { origin: null })).status).toBe(400)
    expect((await t.request('GET', `/api/exports/${token}?format=pdf`, { origin: null })).status).toBe(400)
    const erasure = (await written(customerId, 'erasure')).json.id
    expect((await act(erasure, 'approve', second)).status).toBe(200)
    expect((await t.request('GET', `/api/exports/${token}`, { origin: null })).status).toBe(404)
  })

  it('a gag order in force on the record keeps the disclosure out of the export', async () => {
    const customerId = await fullyOnFile(t.db)
    await disclosure(customerId, { nondisclosureUntil: '2027-06-01' })
    const { id } = (await written(customerId, 'access')).json
    expect((await act(id, 'approve', second)).status).toBe(200)
    const download = await t.request('GET', `/api/exports/${exportLink()}?format=html`, { origin: null })
    expect(download.status).toBe(200)
    expect(download.text).not.toContain('Gagging Court')
  })
})

describe('held: odd input and deadlines', () => {
  it('answers odd input with a 4xx, never a 500', async () => {
    const customerId = await fullyOnFile(t.db)
    const { id } = (await written(customerId, 'access')).json
    const probes = [
      t.request('GET', '/api/requests/99999999999999999999999', { cookie: second }),
      t.request('GET', '/api/requests/abc', { cookie: second }),
      t.request('GET', listUrl('requests', { filter: { id: [] } }), { cookie: second }),
      t.request('GET', listUrl('requests', { filter: { customer_id: 'abc' } }), { cookie: second }),
      t.request('GET', listUrl('requests', { sort: ['changes', 'ASC'] }), { cookie: second }),
      t.request('GET', listUrl('requests', { range: [0, 1e9] }), { cookie: second }),
      t.request('GET', `/api/requests?filter=${encodeURIComponent('{"id":')}`, { cookie: second }),
      t.request('POST', '/api/requests', { cookie: compliance, body: 'null' }),
      t.request('POST', '/api/requests', { cookie: compliance, body: '[]' }),
      t.request('POST', '/api/requests', { cookie: compliance, body: '{"customerId":1e400,"type":"access"}' }),
      t.request('POST', '/api/requests', { cookie: compliance, body: { customerId: 2 ** 60, type: 'access' } }),
      t.request('POST', '/api/requests', {
        cookie: compliance,
        body: { customerId, type: 'edit', changes: { addresses: [{ id: 2 ** 53, city: 'X' }] } },
      }),
      t.request('POST', `/api/requests/${id}/cancel`, { cookie: compliance, body: '' }),
      t.request('POST', `/api/requests/${id}/extend`, { cookie: second, body: { reason: 'x'.repeat(1001) } }),
      t.request('POST', `/api/requests/${id}/reject`, { cookie: second, body: { reason: ['array', 'reason'] } }),
      t.request('POST', '/api/requests/0/approve', { cookie: second, body: {} }),
      t.request('POST', '/api/requests/424242/approve', { cookie: second, body: {} }),
    ]
    const statuses = (await Promise.all(probes)).map((r) => r.status)
    expect(statuses.filter((s) => s >= 500)).toEqual([])
  })

  it('month ends and leap years: 31 January is due the last day of February', async () => {
    const customerId = await customerWhere((q) => q.where('c.country', '=', 'FR'))
    const dueOn = async (at: string) => {
      clock = new Date(at)
      // The session cookie's expiry is checked against the system clock: move it with the server's.
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(clock)
      compliance = await t.login('compliance')
      second = await t.login('second@example.com')
      const res = await written(customerId, 'access')
      expect(res.status).toBe(201)
      expect((await act(res.json.id, 'cancel', compliance)).status).toBe(200)
      return res.json.due_at.slice(0, 10)
    }
    expect(await dueOn('2027-01-31T10:00:00Z')).toBe('2027-02-28')
    expect(await dueOn('2028-01-31T10:00:00Z')).toBe('2028-02-29')
    expect(await dueOn('2028-02-29T10:00:00Z')).toBe('2028-03-29')
    expect(await dueOn('2026-12-31T23:59:59Z')).toBe('2027-01-31')
  })
})

// ---------------------------------------------------------------------------------------------------------------------
// PostgreSQL: where transactions really run side by side (READ COMMITTED), a check that is not locked is not a check.
// ---------------------------------------------------------------------------------------------------------------------

describe.runIf(TEST_DIALECT === 'postgres')('on PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof createTestApp>>
  let officer: string
  let other: string

  beforeAll(async () => {
    pg = await createTestApp({ customers: 80 })
    await pg.addStaff('compliance', 'second@example.com', 'Second')
    officer = await pg.login('compliance')
    other = await pg.login('second@example.com')
  }, 60_000)
  afterAll(() => pg.close())
  const call = (path: string, body: unknown, cookie: string) => pg.request('POST', path, { cookie, body })
  const customers = async (n: number, offset: number) =>
    (await pg.db.selectFrom('customers').select('id').where('email', 'is not', null).orderBy('id').offset(offset).limit(n).execute()).map(
      (c) => c.id,
    )
  const fileWritten = async (customerId: number, type: string, changes?: unknown) => {
    const res = await call('/api/requests', { customerId, type, channel: 'written', ...(changes ? { changes } : {}) }, officer)
    expect(res.status, JSON.stringify(res.json)).toBe(201)
    return res.json.id as number
  }

  it('a legal hold placed while an erasure is being approved is never erased through', async () => {
    const ids = await customers(10, 0)
    const erasures = await Promise.all(ids.map((c) => fileWritten(c, 'erasure')))
    const responses = await Promise.all(
      ids.flatMap((customerId, i) => [
        call(`/api/requests/${erasures[i]}/approve`, {}, other),
        call(
          '/api/disclosures',
          {
            type: 'preservation',
            authority: 'Police',
            jurisdiction: 'GB',
            legalBasis: 'Preservation',
            caseNumber: `P-${customerId}`,
            receivedAt: '2026-11-26',
            subjectIds: [customerId],
          },
          officer,
        ),
      ]),
    )
    expect(responses.filter((r) => r.status >= 500)).toEqual([])
    const violations: number[] = []
    for (const customerId of ids) {
      const actions = await pg.db
        .selectFrom('audit_log')
        .select(['id', 'action'])
        .where('customer_id', '=', customerId)
        .where('action', 'in', ['customer.erase', 'legal_hold.place'])
        .orderBy('id')
        .execute()
      // Erased after a hold was on the record (the hold's transaction committed first): the erasure went through a hold.
      if (actions.map((a) => a.action).join() === 'legal_hold.place,customer.erase') violations.push(customerId)
    }
    expect(violations).toEqual([])
  })

  it('an edit approved while the erasure is approved never writes the customer back, and is no 500', async () => {
    const ids = await customers(10, 10)
    const erasures = await Promise.all(ids.map((c) => fileWritten(c, 'erasure')))
    const edits = await Promise.all(ids.map((c) => fileWritten(c, 'edit', { first_name: 'Resurrected' })))
    const responses = await Promise.all(
      ids.flatMap((_, i) => [
        call(`/api/requests/${edits[i]}/approve`, {}, other),
        call(`/api/requests/${erasures[i]}/approve`, {}, other),
      ]),
    )
    expect(responses.map((r) => r.status).filter((s) => s >= 500)).toEqual([])
    const resurrected = await pg.db
      .selectFrom('customers')
      .select('id')
      .where('id', 'in', ids)
      .where('status', '=', 'erased')
      .where('first_name', 'is not', null)
      .execute()
    expect(resurrected).toEqual([])
  })

  it('two customers given one email by edits approved at once: one 200, one 409, never a 500', async () => {
    const ids = await customers(20, 20)
    expect(ids).toHaveLength(20)
    const pairs = Array.from({ length: 10 }, (_, i) => [ids[2 * i]!, ids[2 * i + 1]!] as const)
    const requests = await Promise.all(
      pairs.map(async ([a, b], i) => [
        await fileWritten(a, 'edit', { email: `shared.${i}.h9@example.com` }),
        await fileWritten(b, 'edit', { email: `shared.${i}.h9@example.com` }),
      ]),
    )
    const responses = await Promise.all(requests.flat().map((id) => call(`/api/requests/${id}/approve`, {}, other)))
    expect(tally(responses.map((r) => r.status))).toEqual({ 200: 10, 409: 10 })
  })

  it('30 filings of one type for one customer at once: one 201, the rest 409', async () => {
    const [customerId] = await customers(1, 45)
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => call('/api/requests', { customerId, type: 'erasure', channel: 'written' }, officer)),
    )
    expect(tally(responses.map((r) => r.status))).toEqual({ 201: 1, 409: 29 })
  })

  it('30 mixed approve, reject and cancel at once settle a request once', async () => {
    const { id: customerId } = await pg.db
      .selectFrom('customers')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    const id = await fileWritten(customerId, 'access')
    const steps = ['approve', 'reject', 'cancel'] as const
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(
          `/api/requests/${id}/${steps[i % 3]}`,
          steps[i % 3] === 'reject' ? { reason: 'A reason in words' } : {},
          steps[i % 3] === 'cancel' ? officer : other,
        ),
      ),
    )
    expect(tally(responses.map((r) => r.status))).toEqual({ 200: 1, 409: 29 })
  })
})
