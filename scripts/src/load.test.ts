import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadAuditKey, readAuditCheckpoints, verifyAuditChain } from '@verity/api'
import { callerAnswers } from '@verity/api/testing'
import { openDatabase } from '@verity/db'
import { Client } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, freePort, type ServerProcess, STAFF_PASSWORD, serverEnv, serverFiles, startServer } from './server.testing.js'

/**
 * Load without loss (issue 12): the production server takes 200 concurrent connections of mixed reads and writes from
 * agents, two compliance officers, a manager and an admin for a bounded time. Every write it acknowledges (2xx, with the
 * id it gave) is recorded; afterwards the database holds each of them once, and nothing that was not acknowledged; no
 * answer was a 5xx (409 and 429 are the refusals the design promises, and are counted); the audit chain verifies.
 */
const CONNECTIONS = 200
const LOAD_MS = 20_000
const AGENT_VUS = 150
const COMPLIANCE_VUS = 40 // split between the two officers; the other 10 connections are the manager's and the admin's
// About six connections each: an agent never has ten callers open unverified at once, which would stop them (probing).
const AGENTS = 25
const CUSTOMERS = 300
const SEARCHES_PER_MINUTE = 10

type Db = ReturnType<typeof openDatabase>['db']
type RequestStatus = 'completed' | 'rejected' | 'cancelled'

/** What the load was told was done: each write answered 2xx, with the id the server gave it. */
const acked = {
  verifications: new Map<number, { staffId: number; customerId: number }>(),
  verified: new Set<number>(),
  requests: new Map<number, { staffId: number; customerId: number; type: string; verificationId: number; firstName: string | null }>(),
  decided: new Map<number, { status: RequestStatus; staffId: number }[]>(),
  disclosures: new Map<number, { staffId: number; subjects: number[] }>(),
  closed: new Map<number, { outcome: string; staffId: number }[]>(),
  searches: new Map<number, number>(),
  /** staff refused a search past their rate (429) */
  refusedSearches: new Set<number>(),
}
/** Every answer by step and status; answers a step may not give (a 5xx above all), and network errors. */
const statuses = new Map<string, Map<number, number>>()
const unexpected: string[] = []
let networkErrors = 0

let dir: string
let origin: string
let server: ServerProcess | undefined
let stopped = false

async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const handle = openDatabase(serverFiles(dir).DATABASE_URL)
  try {
    return await work(handle.db)
  } finally {
    await handle.close()
  }
}

/** More agents and a second compliance officer, with the seeded staff's password. */
const moreStaff = (db: Db) =>
  addStaff(db, [
    ...Array.from({ length: AGENTS - 1 }, (_, i) => ({
      email: `agent${i + 2}@example.com`,
      name: `Agent ${i + 2}`,
      role: 'agent' as const,
    })),
    { email: 'compliance2@example.com', name: 'Second Officer', role: 'compliance' as const },
  ])

/** Active customers with three things or more on file, with what a caller would answer (read before the load starts). */
async function verifiableCustomers(db: Db) {
  const customers = await db.selectFrom('customers').select('id').where('status', '=', 'active').execute()
  const truths = new Map<number, Record<string, string | null>>()
  for (const c of customers) {
    const truth = await callerAnswers(db, c.id)
    // two questions are left even when the search by email answered one
    if (Object.values(truth).filter(Boolean).length >= 3) truths.set(c.id, truth)
  }
  return truths
}

interface Answer {
  status: number
  json: any
}

type Connection = ReturnType<typeof connection>

/** One connection of its own, signed in as one staff member: each answer is counted, and checked against what the step may answer. */
function connection(email: string, cookie: string, latencies: number[]) {
  const client = new Client(origin, { pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 })
  async function send(op: string, method: string, url: string, ok: number[], body?: unknown): Promise<Answer | null> {
    const headers: Record<string, string> = { accept: 'application/json', origin, cookie }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const started = performance.now()
    try {
      const res = await client.request({
        path: url,
        method: method as 'GET' | 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.body.text()
      latencies.push(performance.now() - started)
      const byStatus = statuses.get(op) ?? new Map<number, number>()
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
      statuses.set(op, byStatus)
      if (!ok.includes(res.statusCode) && unexpected.length < 20)
        unexpected.push(`${op}: ${method} ${url} ${res.statusCode} ${text.slice(0, 300)}`)
      let json: any
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: res.statusCode, json }
    } catch (e) {
      // an unknown outcome: the write may or may not have landed
      networkErrors++
      if (unexpected.length < 20) unexpected.push(`${op}: ${method} ${url} ${e instanceof Error ? e.message : String(e)}`)
      return null
    }
  }
  /** Opens the connection before the load: one the server has yet to accept waits behind the load (see the comment at the load). */
  async function open() {
    const res = await client.request({ path: '/api/auth/me', method: 'GET', headers: { cookie } })
    await res.body.text()
    if (res.statusCode !== 200) throw new Error(`${email}: GET /api/auth/me ${res.statusCode}`)
  }
  return { email, send, open, close: () => client.close() }
}

const listUrl = (resource: string, filter: unknown, range = [0, 24]) =>
  `/api/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}&range=${encodeURIComponent(JSON.stringify(range))}`
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!
const record = <T>(map: Map<number, T[]>, id: number, what: T) => map.set(id, [...(map.get(id) ?? []), what])

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-load-'))
  server = await startServer(serverEnv(dir, await freePort(), { NODE_ENV: 'production', SEED_CUSTOMERS: String(CUSTOMERS) }))
  origin = server.url

  const { truths, staffIds } = await withDatabase(async (db) => {
    await moreStaff(db)
    const staff = await db.selectFrom('staff_users').select(['id', 'email']).execute()
    return { truths: await verifiableCustomers(db), staffIds: new Map(staff.map((s) => [s.email, s.id])) }
  })
  expect(truths.size).toBeGreaterThanOrEqual(AGENT_VUS)
  const customerIds = [...truths.keys()].sort((a, b) => a - b)

  const agentEmails = ['agent@example.com', ...Array.from({ length: AGENTS - 1 }, (_, i) => `agent${i + 2}@example.com`)]
  const officerEmails = ['compliance@example.com', 'compliance2@example.com']
  const cookies = new Map<string, string>()
  const setUp = new Client(origin)
  /** A step of the set-up, which must succeed. */
  async function setUpStep(path: string, body: unknown, cookie = '', method: 'POST' | 'PUT' = 'POST') {
    const res = await setUp.request({
      path,
      method,
      headers: { 'content-type': 'application/json', origin, cookie },
      body: JSON.stringify(body),
    })
    const text = await res.body.text()
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`)
    return { json: JSON.parse(text), cookie: [res.headers['set-cookie']].flat()[0]?.split(';')[0] }
  }
  for (const email of [...agentEmails, ...officerEmails, 'manager@example.com', 'admin@example.com']) {
    cookies.set(email, (await setUpStep('/api/auth/login', { email, password: STAFF_PASSWORD })).cookie!)
  }
  // Ten searches a minute an agent, so that every run refuses some (429) however fast it goes: the admin asks, and the
  // change waits as a grant until a compliance officer approves it.
  const asked = await setUpStep(
    '/api/settings/searches_per_minute',
    { value: SEARCHES_PER_MINUTE },
    cookies.get('admin@example.com'),
    'PUT',
  )
  await setUpStep(`/api/grants/${asked.json.pending_grant.id}/approve`, {}, cookies.get('compliance@example.com'))
  await setUp.close()

  const latencies: number[] = []
  let deadline = 0
  let edits = 0

  /** An agent's callers, one after another: found, verified with the right answers, read unmasked, a request filed (now and then withdrawn). */
  async function agent(vu: number, { email, send }: Connection) {
    const staffId = staffIds.get(email)!
    // callers of this connection's own: no other agent's verification of them ends this one's
    const mine = customerIds.filter((_, i) => i % AGENT_VUS === vu)
    const erased = new Set<number>()
    for (let round = 0; Date.now() < deadline; round++) {
      const live = mine.filter((c) => !erased.has(c))
      if (!live.length) {
        await send('dashboard', 'GET', '/api/dashboard', [200])
        continue
      }
      const customerId = live[round % live.length]!
      const truth = truths.get(customerId)!
      // the first five agents search before every call, past their searches a minute (429)
      if (vu % AGENTS < 5 || Math.random() < 0.3) {
        const found = await send('customer search', 'GET', listUrl('customers', { q: truth.email }, [0, 9]), [200, 429])
        if (found?.status === 200) acked.searches.set(staffId, (acked.searches.get(staffId) ?? 0) + 1)
        if (found?.status === 429) acked.refusedSearches.add(staffId)
      }
      // 409: the customer was erased
      const start = await send('verification start', 'POST', '/api/verifications', [201, 409], { customerId, channel: 'phone' })
      if (start?.status === 409 && /erased/.test(start.json?.error?.message)) erased.add(customerId)
      if (start?.status !== 201) continue
      const v = start.json as { id: number; questions: { id: number; field: string }[] }
      acked.verifications.set(v.id, { staffId, customerId })
      // 409: an erasure approved meanwhile ended it
      const answered = await send('verification answers', 'POST', `/api/verifications/${v.id}/answers`, [200, 409], {
        answers: v.questions.map((q) => ({ questionId: q.id, value: truth[q.field] ?? '' })),
      })
      if (answered?.status !== 200) continue
      if (answered.json.status !== 'verified') unexpected.push(`verification #${v.id} with the right answers: ${answered.json.status}`)
      else acked.verified.add(v.id)
      await send('customer read', 'GET', `/api/customers/${customerId}`, [200, 409])

      const r = Math.random()
      const type = r < 0.5 ? 'edit' : r < 0.85 ? 'access' : 'erasure'
      const firstName = type === 'edit' ? `Loadtest ${vu} ${++edits}` : null
      // 409: one of this type is open for the customer already, or the customer was erased
      const filed = await send('request file', 'POST', '/api/requests', [201, 409], {
        customerId,
        type,
        verificationId: v.id,
        ...(firstName ? { changes: { first_name: firstName } } : {}),
      })
      if (filed?.status === 201) {
        acked.requests.set(filed.json.id, { staffId, customerId, type, verificationId: v.id, firstName })
        if (Math.random() < 0.15) {
          // 409: compliance decided it first
          const cancelled = await send('request cancel', 'POST', `/api/requests/${filed.json.id}/cancel`, [200, 409], {
            reason: 'Changed their mind',
          })
          if (cancelled?.status === 200) record(acked.decided, filed.json.id, { status: 'cancelled', staffId })
        }
      }
      if (round % 3 === 0) await send('requests list', 'GET', listUrl('requests', { status: 'pending' }), [200])
      if (round % 4 === 0) await send('dashboard', 'GET', '/api/dashboard', [200])
    }
  }

  /** A compliance officer: decides pending requests (the two officers race for the same ones), logs disclosures and closes them. */
  async function officer(vu: number, { email, send }: Connection) {
    const staffId = staffIds.get(email)!
    for (let round = 0; Date.now() < deadline; round++) {
      const pending = await send('requests list', 'GET', listUrl('requests', { status: 'pending' }), [200])
      const open = (pending?.json ?? []) as { id: number; type: string }[]
      if (open.length) {
        const r = pick(open)
        const approve = Math.random() < (r.type === 'erasure' ? 0.3 : 0.7)
        // 409: decided, withdrawn or erased meanwhile, or a legal hold stands in the way of an erasure
        const decided = approve
          ? await send('request approve', 'POST', `/api/requests/${r.id}/approve`, [200, 409], {})
          : await send('request reject', 'POST', `/api/requests/${r.id}/reject`, [200, 409], { reason: 'Not enough to go on' })
        if (decided?.status === 200) record(acked.decided, r.id, { status: approve ? 'completed' : 'rejected', staffId })
      }
      if (round % 2 === 0) {
        const subjects = [...new Set([pick(customerIds), pick(customerIds)])]
        const created = await send('disclosure create', 'POST', '/api/disclosures', [201], {
          type: Math.random() < 0.1 ? 'preservation' : 'subpoena',
          authority: 'Shenzhen Intermediate People’s Court',
          jurisdiction: 'CN',
          legalBasis: 'Civil Procedure Law art. 67',
          caseNumber: `(2026) Yue 03 Min Chu ${vu}-${round}`,
          receivedAt: '2026-03-09',
          subjectIds: subjects,
          categoriesRequested: ['identity', 'orders'],
        })
        if (created?.status === 201) acked.disclosures.set(created.json.id, { staffId, subjects })
      } else {
        const listed = await send('disclosures list', 'GET', listUrl('disclosures', { queue: 'open' }, [0, 49]), [200])
        const records = (listed?.json ?? []) as { id: number }[]
        if (records.length) {
          const id = pick(records).id
          // whoever logged a record does not release data under it while the other officer is about
          const outcome = acked.disclosures.get(id)?.staffId === staffId ? pick(['rejected', 'no_data']) : pick(['content', 'non_content'])
          // 409: the other officer closed it first
          const closed = await send('disclosure close', 'POST', `/api/disclosures/${id}/close`, [200, 409], { outcome })
          if (closed?.status === 200) record(acked.closed, id, { outcome, staffId })
        }
      }
      if (round % 5 === 0) await send('dashboard', 'GET', '/api/dashboard', [200])
      if (round % 7 === 0) await send('audit log', 'GET', listUrl('audit-log', {}), [200])
    }
  }

  /** The manager reads reports, the admin staff, settings and the staff audit trail; both their dashboards. */
  async function reader({ email, send }: Connection) {
    const manager = email.startsWith('manager')
    const reads = manager
      ? ['/api/dashboard', '/api/reports/demographics?by=country', '/api/reports/operations']
      : ['/api/dashboard', listUrl('staff', {}), '/api/settings', listUrl('audit-log', {})]
    for (let round = 0; Date.now() < deadline; round++) {
      const url = reads[round % reads.length]!
      await send(`${manager ? 'manager' : 'admin'} ${url.split('?')[0]!.slice(5)}`, 'GET', url, [200])
    }
  }

  // The 200 connections are opened first. Under this load the server's event loop turns only a few times a second (each turn
  // runs every request it has read, synchronous SQLite work and all, to the end), and it accepts few new connections a turn:
  // opened during the load, the last of them waited some 20 s in the accept queue (the first reads of the manager and admin
  // were answered only after the load).
  const connections = Array.from({ length: CONNECTIONS }, (_, vu) => {
    const email =
      vu < AGENT_VUS
        ? agentEmails[vu % AGENTS]!
        : vu < AGENT_VUS + COMPLIANCE_VUS
          ? officerEmails[vu % 2]!
          : vu % 2 === 0
            ? 'manager@example.com'
            : 'admin@example.com'
    return connection(email, cookies.get(email)!, latencies)
  })
  await Promise.all(connections.map((c) => c.open()))

  deadline = Date.now() + LOAD_MS
  const started = performance.now()
  await Promise.all(
    connections.map((c, vu) => (vu < AGENT_VUS ? agent(vu, c) : vu < AGENT_VUS + COMPLIANCE_VUS ? officer(vu - AGENT_VUS, c) : reader(c))),
  )
  const seconds = (performance.now() - started) / 1000
  await Promise.all(connections.map((c) => c.close()))

  const all = new Map<number, number>()
  for (const counts of statuses.values()) for (const [s, n] of counts) all.set(s, (all.get(s) ?? 0) + n)
  const counts = (m: Map<number, number>) =>
    [...m]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')
  latencies.sort((a, b) => a - b)
  const ms = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!)
  const total = latencies.length + networkErrors
  const summary =
    `load: ${total} requests in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} rps) over ${CONNECTIONS} connections; ` +
    `statuses ${counts(all)}; network errors ${networkErrors}; latency p50 ${ms(0.5)} ms, p99 ${ms(0.99)} ms, max ${ms(1)} ms\n` +
    [...statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, m]) => `  ${op}: ${counts(m)}`)
      .join('\n') +
    `\n  acknowledged: ${acked.verifications.size} verifications (${acked.verified.size} passed), ${acked.requests.size} requests ` +
    `(${[...acked.decided.values()].flat().length} decided or withdrawn), ${acked.disclosures.size} disclosures ` +
    `(${[...acked.closed.values()].flat().length} closed), ${[...acked.searches.values()].reduce((a, b) => a + b, 0)} searches`
  console.log(summary)

  // Shut down as in production: the last checkpoint, written at SIGTERM, covers the whole log.
  stopped = true
  expect(await server.stop()).toBe(0)
}, 120_000)

afterAll(async () => {
  if (server && !stopped) await server.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** How many audit entries of an action each entity has. */
async function entriesPer(db: Db, action: string) {
  const rows = await db
    .selectFrom('audit_log')
    .select(['entity_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('action', '=', action)
    .groupBy('entity_id')
    .execute()
  return new Map(rows.map((r) => [Number(r.entity_id), Number(r.n)]))
}
/** The ids among `ids` whose entries are not exactly one, and whether any entity not among them has one. */
function notOnce(counts: Map<number, number>, ids: Iterable<number>) {
  const expected = new Set(ids)
  return {
    notOnce: [...expected].filter((id) => counts.get(id) !== 1),
    unacknowledged: [...counts.keys()].filter((id) => !expected.has(id)),
  }
}
const none = { notOnce: [], unacknowledged: [] }

describe('200 concurrent connections of mixed reads and writes against the production server', () => {
  it('answered no 5xx, only the refusals each step may give (409, 429), and lost no connection', () => {
    expect(unexpected).toEqual([])
    expect(networkErrors).toBe(0)
    expect([...statuses.values()].flatMap((m) => [...m.keys()]).filter((s) => s >= 500)).toEqual([])
    expect(server!.errors()).toBe('')
    // the load did what it is for: writes of every kind were acknowledged, and races were lost
    expect(acked.verified.size).toBeGreaterThan(100)
    expect(acked.requests.size).toBeGreaterThan(50)
    expect(acked.decided.size).toBeGreaterThan(20)
    expect(acked.disclosures.size).toBeGreaterThan(20)
    expect(acked.closed.size).toBeGreaterThan(10)
  })

  it('holds every acknowledged verification once, and none that was not', async () => {
    await withDatabase(async (db) => {
      const rows = await db.selectFrom('verifications').select(['id', 'staff_id', 'customer_id', 'status']).execute()
      expect(rows.map((v) => v.id).sort((a, b) => a - b)).toEqual([...acked.verifications.keys()].sort((a, b) => a - b))
      for (const v of rows) {
        expect({ id: v.id, staffId: v.staff_id, customerId: v.customer_id }).toEqual({ id: v.id, ...acked.verifications.get(v.id) })
        if (acked.verified.has(v.id)) expect({ id: v.id, status: v.status }).toEqual({ id: v.id, status: 'verified' })
      }
      expect(notOnce(await entriesPer(db, 'verification.start'), acked.verifications.keys())).toEqual(none)
      expect(notOnce(await entriesPer(db, 'verification.verified'), acked.verified)).toEqual(none)
    })
  })

  it('holds every acknowledged request once, decided at most once and as acknowledged, its effect carried out once', async () => {
    await withDatabase(async (db) => {
      const rows = await db
        .selectFrom('data_requests as r')
        .innerJoin('customers as c', 'c.id', 'r.customer_id')
        .select([
          'r.id',
          'r.customer_id',
          'r.type',
          'r.filed_by',
          'r.verification_id',
          'r.status',
          'r.decided_by',
          'c.status as customer_status',
        ])
        .orderBy('r.id')
        .execute()
      expect(rows.map((r) => r.id)).toEqual([...acked.requests.keys()].sort((a, b) => a - b))
      expect(notOnce(await entriesPer(db, 'request.file'), acked.requests.keys())).toEqual(none)
      expect([...acked.decided].filter(([, d]) => d.length > 1)).toEqual([])

      const decisions = await db
        .selectFrom('audit_log')
        .select(['id', 'entity_id', 'action', 'details'])
        .where('entity_type', '=', 'request')
        .where('action', 'in', ['request.approve', 'request.reject', 'request.cancel'])
        .orderBy('id')
        .execute()
      const effects = await db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('action', 'in', ['customer.edit', 'customer.erase'])
        .execute()
      const effectsOf = (id: number, action: string) =>
        effects.filter((e) => e.action === action && (JSON.parse(e.details) as { request: number }).request === id).length
      const exportsMade = (await db.selectFrom('request_exports').select('request_id').execute()).map((e) => e.request_id)
      const receipts = (await db.selectFrom('outbox').select('payload').where('template', '=', 'request_receipt').execute()).map(
        (m) => (JSON.parse(m.payload) as { request_id?: number }).request_id,
      )
      const lastName = new Map<number, string>()
      for (const r of rows) {
        const filed = acked.requests.get(r.id)!
        expect({ id: r.id, customerId: r.customer_id, type: r.type, staffId: r.filed_by, verificationId: r.verification_id }).toEqual({
          id: r.id,
          customerId: filed.customerId,
          type: filed.type,
          staffId: filed.staffId,
          verificationId: filed.verificationId,
        })
        const decided = acked.decided.get(r.id)?.[0]
        const steps = decisions.filter((d) => Number(d.entity_id) === r.id)
        if (decided) {
          expect({ id: r.id, status: r.status, by: r.decided_by, steps: steps.map((s) => s.action) }).toEqual({
            id: r.id,
            status: decided.status,
            by: decided.staffId,
            steps: [{ completed: 'request.approve', rejected: 'request.reject', cancelled: 'request.cancel' }[decided.status]],
          })
        } else if (r.status === 'cancelled') {
          // withdrawn by the approved erasure of its customer, on its own record
          expect({ id: r.id, steps: steps.map((s) => [s.action, JSON.parse(s.details).erased_by_request !== undefined]) }).toEqual({
            id: r.id,
            steps: [['request.cancel', true]],
          })
        } else expect({ id: r.id, status: r.status, steps: steps.length }).toEqual({ id: r.id, status: 'pending', steps: 0 })

        // what approving carried out, once; an erasure afterwards removes exports and clears receipts, so those are not counted
        const completed = r.status === 'completed'
        expect({ id: r.id, edits: effectsOf(r.id, 'customer.edit'), erasures: effectsOf(r.id, 'customer.erase') }).toEqual({
          id: r.id,
          edits: completed && r.type === 'edit' ? 1 : 0,
          erasures: completed && r.type === 'erasure' ? 1 : 0,
        })
        if (r.customer_status !== 'erased') {
          expect({ id: r.id, exports: exportsMade.filter((e) => e === r.id).length }).toEqual({
            id: r.id,
            exports: completed && r.type === 'access' ? 1 : 0,
          })
          expect({ id: r.id, receipts: receipts.filter((e) => e === r.id).length }).toEqual({ id: r.id, receipts: 1 })
        }
      }
      // each customer bears the name its last approved edit gave it (edits are approved in the order of their entries)
      for (const d of decisions) {
        const r = rows.find((x) => x.id === Number(d.entity_id))!
        if (d.action === 'request.approve' && r.type === 'edit') lastName.set(r.customer_id, acked.requests.get(r.id)!.firstName!)
      }
      const customers = await db
        .selectFrom('customers')
        .select(['id', 'first_name', 'status'])
        .where('id', 'in', [0, ...lastName.keys()])
        .execute()
      for (const c of customers.filter((c) => c.status !== 'erased')) {
        expect({ id: c.id, name: c.first_name }).toEqual({ id: c.id, name: lastName.get(c.id) })
      }
    })
  })

  it('holds every acknowledged disclosure once with its subjects, closed at most once and as acknowledged', async () => {
    await withDatabase(async (db) => {
      const rows = await db.selectFrom('disclosures').select(['id', 'created_by', 'outcome', 'closed_at']).orderBy('id').execute()
      expect(rows.map((d) => d.id)).toEqual([...acked.disclosures.keys()].sort((a, b) => a - b))
      const subjects = await db.selectFrom('disclosure_subjects').select(['disclosure_id', 'customer_id']).execute()
      expect([...acked.closed].filter(([, c]) => c.length > 1)).toEqual([])
      for (const d of rows) {
        const logged = acked.disclosures.get(d.id)!
        const closed = acked.closed.get(d.id)?.[0]
        expect({
          id: d.id,
          by: d.created_by,
          subjects: subjects
            .filter((s) => s.disclosure_id === d.id)
            .map((s) => s.customer_id)
            .sort((a, b) => a - b),
          outcome: d.outcome,
          closed: d.closed_at !== null,
        }).toEqual({
          id: d.id,
          by: logged.staffId,
          subjects: [...logged.subjects].sort((a, b) => a - b),
          outcome: closed?.outcome ?? null,
          closed: !!closed,
        })
      }
      expect(notOnce(await entriesPer(db, 'disclosure.create'), acked.disclosures.keys())).toEqual(none)
      expect(notOnce(await entriesPer(db, 'disclosure.close'), acked.closed.keys())).toEqual(none)
    })
  })

  it('has one audit entry for each search answered, none for those refused past the rate, and one flag for each agent refused', async () => {
    expect(acked.refusedSearches.size).toBeGreaterThan(0)
    await withDatabase(async (db) => {
      const searches = await db
        .selectFrom('audit_log')
        .select(['actor_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('action', '=', 'customer.search')
        .groupBy('actor_id')
        .execute()
      expect(new Map(searches.map((s) => [s.actor_id, Number(s.n)]))).toEqual(acked.searches)
      // compliance is flagged once while a flag is open, however many searches were refused at once
      const flags = await db.selectFrom('flags').select(['id', 'staff_id']).where('kind', '=', 'search_rate').execute()
      expect(flags.map((f) => f.staff_id).sort((a, b) => a! - b!)).toEqual([...acked.refusedSearches].sort((a, b) => a - b))
      expect(
        notOnce(
          await entriesPer(db, 'flag.search_rate'),
          flags.map((f) => f.id),
        ),
      ).toEqual(none)
    })
  })

  it('keeps the audit chain valid up to the checkpoint written at shutdown (npm run audit:verify)', async () => {
    await withDatabase(async (db) => {
      const { key } = loadAuditKey({ file: serverFiles(dir).AUDIT_KEY_FILE, create: false })
      const { checkpoints } = await readAuditCheckpoints(serverFiles(dir).AUDIT_CHECKPOINT_FILE)
      const { n } = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      expect(await verifyAuditChain(db, key, { checkpoints })).toMatchObject({ ok: true, checked: Number(n) })
      expect(checkpoints.at(-1)!.count).toBe(Number(n))
    })
  })
})
