/**
 * Crash safety (issue 12; docs/design.md promises 4, 5 and 10). The real server is killed with SIGKILL at a random moment
 * while erasures, edits, disclosures with their subjects and holds, and staff accounts with their grants are under way,
 * then started again on the same database. After every crash: each operation happened entirely or not at all, everything
 * acknowledged is there, an erased customer's values are gone from the tables and from the database's files, and the
 * audit chain verifies against its checkpoints. Trials run for a bounded time. The kill moments and the customers come
 * from a seeded generator: the seed is printed, and CRASH_SEED repeats a run (CRASH_BUDGET_MS changes its length).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compactAfterErasures, loadAuditKey, readAuditCheckpoints, verifyAuditChain } from '@verity/api'
import { customersFullyOnFile, everyText, personalValues, type TestResponse, verifyCaller } from '@verity/api/testing'
import { type Database, type DatabaseHandle, openDatabase } from '@verity/db'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addStaff, freePort, httpClient, npmRun, serverEnv, serverFiles, type ServerProcess, startServer } from './server.testing.js'

const SEED = Number(process.env.CRASH_SEED ?? 20261127)
/** how long trials go on starting; the whole test takes this and about fifteen seconds more */
const BUDGET_MS = Number(process.env.CRASH_BUDGET_MS ?? 35_000)
const MIN_TRIALS = 5
const SECOND_OFFICER = 'second@example.com'

/** mulberry32: small, seeded, good enough to pick moments and customers. */
function seeded(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
const random = seeded(SEED)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Takes n items at random out of `pool`. */
const take = <T>(pool: T[], n: number): T[] => Array.from({ length: n }, () => pool.splice(Math.floor(random() * pool.length), 1)[0]!)

let dir: string
let env: Record<string, string>
let server: ServerProcess
let handle: DatabaseHandle
let db: Kysely<Database>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-crash-'))
  env = serverEnv(dir, await freePort(), { SEED_CUSTOMERS: '400' })
  server = await startServer(env)
  // The test's own connection, beside the server's, as another process reading the same file would have.
  handle = openDatabase(serverFiles(dir).DATABASE_URL)
  db = handle.db
}, 60_000)
afterAll(async () => {
  await handle?.close()
  if (server && server.child.exitCode === null && server.child.signalCode === null) await server.kill()
  fs.rmSync(dir, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------------------------------------------------
// What must hold of the whole database after any crash: each multi-row write is all there, with its audit entries, or
// not there at all. Each query answers the rows that break its rule.
// ---------------------------------------------------------------------------------------------------------------------

/** The audit entries of an action about one entity (ids are kept as text in the log). */
const entries = (action: string, entityId: RawBuilder<unknown>) =>
  sql`(select count(*) from audit_log a where a.action = ${action} and a.entity_id = cast(${entityId} as text))`

const INVARIANTS: Record<string, RawBuilder<unknown>> = {
  'a verification with its questions and its entries (started, answered, settled)': sql`
    select v.id, v.status from verifications v
    where ${entries('verification.start', sql`v.id`)} != 1
       or not exists (select 1 from verification_questions q where q.verification_id = v.id)
       or (${entries('verification.answer', sql`v.id`)} > 0) != exists (select 1 from verification_questions q where q.verification_id = v.id and q.matched is not null)
       or ${entries('verification.verified', sql`v.id`)} != (v.status = 'verified')`,
  'a request with its filing entry, and no filing entry without its request': sql`
    select r.id from data_requests r where ${entries('request.file', sql`r.id`)} != 1
    union all
    select a.entity_id from audit_log a where a.action = 'request.file' and not exists (select 1 from data_requests r where cast(r.id as text) = a.entity_id)`,
  'a receipt to the customer for each request filed': sql`
    select r.customer_id from data_requests r group by r.customer_id
    having count(*) != (select count(*) from outbox o where o.customer_id = r.customer_id and o.template = 'request_receipt')`,
  'a request settled with its entry and its notice, a pending one with neither': sql`
    select r.id, r.status from data_requests r left join customers c on c.id = r.customer_id
    where ${entries('request.approve', sql`r.id`)} != (r.status = 'completed')
       or ${entries('request.cancel', sql`r.id`)} != (r.status = 'cancelled')
       or (r.status = 'pending') != (r.decided_at is null)
       or (r.status = 'completed') != (r.result is not null)
       or (r.status = 'completed' and c.status != 'erased' and not exists (
             select 1 from outbox o where o.customer_id = r.customer_id and o.template = 'request_notice'
              and json_extract(o.payload, '$.request_id') = r.id))`,
  'an erased customer has a completed erasure and its entry, and only an erased one': sql`
    select c.id, c.status from customers c
    where (c.status = 'erased') != exists (select 1 from data_requests r where r.customer_id = c.id and r.type = 'erasure' and r.status = 'completed')
       or (select count(*) from audit_log a where a.action = 'customer.erase' and a.customer_id = c.id) != (c.status = 'erased')`,
  'nothing personal left of an erased customer': sql`
    select c.id from customers c where c.status = 'erased' and (
         coalesce(c.first_name, c.last_name, c.first_name_folded, c.last_name_folded, c.email, c.phone, c.birth_date, c.gender,
                  c.region, c.city, c.guardian_name, c.guardian_consent_at, c.last_login_at) is not null
      or exists (select 1 from addresses x where x.customer_id = c.id)
      or exists (select 1 from payment_methods x where x.customer_id = c.id)
      or exists (select 1 from access_logs x where x.customer_id = c.id)
      or exists (select 1 from customer_credentials x where x.customer_id = c.id)
      or exists (select 1 from password_reset_tokens x where x.customer_id = c.id)
      or exists (select 1 from orders o where o.customer_id = c.id and coalesce(o.ship_name, o.ship_address, o.ship_phone) is not null)
      or exists (select 1 from outbox o where o.customer_id = c.id and o.recipient != '[erased]')
      or exists (select 1 from verifications v where v.customer_id = c.id and v.caller_name is not null)
      or exists (select 1 from data_requests r where r.customer_id = c.id and (r.status = 'pending' or coalesce(r.changes, r.caller_name) is not null)))`,
  'a completed edit applied, with its entry; none applied or entered before it completes': sql`
    select r.id, r.status from data_requests r join customers c on c.id = r.customer_id
    where r.type = 'edit' and c.status != 'erased' and (
         (select count(*) from audit_log a where a.action = 'customer.edit' and json_extract(a.details, '$.request') = r.id) != (r.status = 'completed')
      or (r.status = 'completed' and (
            c.first_name is not json_extract(r.changes, '$.first_name')
         or not exists (select 1 from addresses x where x.id = json_extract(r.changes, '$.addresses[0].id')
                         and x.line1 = json_extract(r.changes, '$.addresses[0].line1')))))`,
  'a disclosure with its subjects, holds and entries; no entry without its disclosure': sql`
    select d.id, d.status from disclosures d
    where ${entries('disclosure.create', sql`d.id`)} != 1
       or (select count(*) from disclosure_subjects s where s.disclosure_id = d.id)
          != (select json_extract(a.details, '$.subjects') from audit_log a where a.action = 'disclosure.create' and a.entity_id = cast(d.id as text))
       or exists (select 1 from disclosure_subjects s where s.disclosure_id = d.id
                   and (select count(*) from audit_log a where a.action = 'disclosure.subject' and a.entity_id = cast(d.id as text)
                         and a.customer_id = s.customer_id) != 1)
       or (d.hold_requested = 1 and exists (select 1 from disclosure_subjects s where s.disclosure_id = d.id
                   and not exists (select 1 from legal_holds h where h.disclosure_id = d.id and h.customer_id = s.customer_id)))
       or (select count(*) from legal_holds h where h.disclosure_id = d.id) != ${entries('legal_hold.place', sql`d.id`)}
       or (select count(*) from legal_holds h where h.disclosure_id = d.id and h.released_at is not null) != ${entries('legal_hold.release', sql`d.id`)}
       or ${entries('disclosure.close', sql`d.id`)} != (d.status not in ('received', 'under_review'))
    union all
    select a.entity_id, null from audit_log a where a.action = 'disclosure.create'
       and not exists (select 1 from disclosures d where cast(d.id as text) = a.entity_id)`,
  'a staff account with its entry, its set-password link and message, and its grant': sql`
    select u.id, u.email from staff_users u
    where u.email != ${SECOND_OFFICER} and (
         ${entries('staff.create', sql`u.id`)} != 1
      or (u.email like 'crash-%' and (
            not exists (select 1 from staff_password_links l where l.staff_id = u.id)
         or not exists (select 1 from audit_log a join outbox o on o.id = json_extract(a.details, '$.link_outbox_id')
                         where a.action = 'staff.create' and a.entity_id = cast(u.id as text) and o.template = 'staff_password_link')
         or (u.role = 'compliance' and not exists (select 1 from grants g where g.kind = 'role' and g.staff_id = u.id)))))
    union all
    select a.entity_id, null from audit_log a where a.action = 'staff.create'
       and not exists (select 1 from staff_users u where cast(u.id as text) = a.entity_id)`,
  'a grant with its entries; an approved role grant in force, and only then': sql`
    select g.id, g.status from grants g left join staff_users u on u.id = g.staff_id
    where ${entries('grant.requested', sql`g.id`)} != 1
       or ${entries('grant.approved', sql`g.id`)} != (g.status = 'approved')
       or (g.kind = 'role' and (g.status = 'approved') != (u.status = 'active'))`,
}

async function brokenInvariants(): Promise<string[]> {
  const broken: string[] = []
  for (const [rule, query] of Object.entries(INVARIANTS)) {
    const { rows } = await query.execute(db)
    if (rows.length) broken.push(`${rule}: broken by ${JSON.stringify(rows.slice(0, 5))}`)
  }
  return broken
}

/** Everything a customer's rows hold, to tell an untouched customer from a touched one. */
async function customerRows(customerId: number) {
  const rows: Record<string, unknown[]> = {}
  for (const table of ['customers', 'addresses', 'payment_methods', 'access_logs', 'customer_credentials', 'orders']) {
    const key = table === 'customers' ? sql.ref('id') : sql.ref('customer_id')
    rows[table] = (await sql`select * from ${sql.table(table)} where ${key} = ${customerId} order by rowid`.execute(db)).rows
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------------------------
// One trial: several chains of writes at once, a kill at a random moment, a restart, and the checks.
// ---------------------------------------------------------------------------------------------------------------------

interface Acknowledged {
  what: string
  /** whether the database still shows it */
  holds(): Promise<boolean>
}

interface Plan {
  n: number
  /** filed by an agent for a caller they verified, approved by compliance */
  erasures: number[]
  /** received in writing, filed by compliance and approved by the second officer */
  written: number[]
  /** first name and an address line, filed by an agent for a verified caller, approved by the second officer */
  edits: { customerId: number; addressId: number }[]
  /** subjects of court orders with a hold, logged by compliance and closed by the second officer */
  disclosures: number[][]
  /** staff accounts an admin creates; a compliance officer's waits for a grant that compliance approves */
  staff: { email: string; role: 'agent' | 'compliance' }[]
  /** requests filed before the kill is due (customer → request), so that it finds their approvals under way */
  filed: Map<number, number>
}

type Cookies = Record<'agent' | 'compliance' | 'second' | 'admin', string>

const statusOf = async (table: 'data_requests' | 'verifications' | 'disclosures' | 'grants', id: number) =>
  (await db.selectFrom(table).select('status').where('id', '=', id).executeTakeFirst())?.status
const editOf = (n: number, customerId: number, addressId: number) => ({
  first_name: `Renamed${n}`,
  addresses: [{ id: addressId, line1: `${n} Crash Lane, flat ${customerId}` }],
})

/** The staff at work on a server: each step a request, remembered once acknowledged, counted while under way. */
function staffAt(url: string, cookies: Cookies) {
  const { request } = httpClient(url)
  const acknowledged: Acknowledged[] = []
  let inFlight = 0
  /** Anything but the expected status throws, naming what the server said. */
  async function send(method: string, path: string, options: { cookie: string; body?: unknown }, expected = 0): Promise<TestResponse> {
    inFlight++
    try {
      const res = await request(method, path, options)
      if (expected && res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
      return res
    } finally {
      inFlight--
    }
  }
  const ack = (what: string, holds: () => Promise<boolean>) => acknowledged.push({ what, holds })
  const receivedAt = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10)
  const steps = {
    /** an agent verifies the caller and files their request */
    async fileForCaller(customerId: number, type: 'erasure' | 'edit', changes?: ReturnType<typeof editOf>) {
      const v = await verifyCaller(send, db, customerId, cookies.agent)
      ack(`verification #${v.id} passed`, async () => (await statusOf('verifications', v.id)) === 'verified')
      return steps.file({ customerId, type, verificationId: v.id, changes }, cookies.agent)
    },
    async file(body: Record<string, unknown>, cookie: string) {
      const { id } = (await send('POST', '/api/requests', { cookie, body }, 201)).json as { id: number }
      ack(`request #${id} filed`, async () => (await statusOf('data_requests', id)) !== undefined)
      return id
    },
    async approve(id: number, cookie: string) {
      await send('POST', `/api/requests/${id}/approve`, { cookie, body: {} }, 200)
      ack(`request #${id} approved`, async () => (await statusOf('data_requests', id)) === 'completed')
    },
    async disclose(subjectIds: number[], caseNumber: string) {
      const body = {
        type: 'court_order',
        authority: 'Crash Court',
        jurisdiction: 'GB',
        legalBasis: 'Production order',
        caseNumber,
        receivedAt,
      }
      const created = await send(
        'POST',
        '/api/disclosures',
        { cookie: cookies.compliance, body: { ...body, subjectIds, holdRequested: true } },
        201,
      )
      const { id } = created.json as { id: number }
      ack(`disclosure #${id} logged`, async () => (await statusOf('disclosures', id)) !== undefined)
      const close = { outcome: 'non_content', categoriesProduced: ['contact'] }
      await send('POST', `/api/disclosures/${id}/close`, { cookie: cookies.second, body: close }, 200)
      ack(`disclosure #${id} closed`, async () => (await statusOf('disclosures', id)) === 'disclosed')
    },
    async addStaff(email: string, role: 'agent' | 'compliance') {
      const body = { email, name: `Crash ${email.split('@')[0]}`, role }
      const staff = (await send('POST', '/api/staff', { cookie: cookies.admin, body }, 201)).json as {
        id: number
        pending_grant_id: number | null
      }
      ack(
        `staff #${staff.id} created`,
        async () => !!(await db.selectFrom('staff_users').select('id').where('id', '=', staff.id).executeTakeFirst()),
      )
      if (role !== 'compliance') return
      const grant = staff.pending_grant_id!
      await send('POST', `/api/grants/${grant}/approve`, { cookie: cookies.compliance, body: {} }, 200)
      ack(`grant #${grant} approved`, async () => (await statusOf('grants', grant)) === 'approved')
    },
  }
  return { steps, acknowledged, inFlight: () => inFlight }
}

/**
 * Starts every operation of the plan at once: a request filed beforehand is approved, any other is filed (after verifying
 * the caller, for an agent) and then approved; disclosures are logged and closed; staff are created (and granted).
 * Once `killed` is set, a request under way or sent after fails as a network error (fetch's TypeError) and ends its
 * chain; anything else (a status not expected, a network error before the kill) is a failure of the trial.
 */
function startPlan(plan: Plan, staff: ReturnType<typeof staffAt>, cookies: Cookies) {
  const { steps } = staff
  const unexpected: string[] = []
  const state = { killed: false }
  const chains: (() => Promise<void>)[] = [
    ...plan.erasures.map((customerId) => async () => {
      const id = plan.filed.get(customerId) ?? (await steps.fileForCaller(customerId, 'erasure'))
      await steps.approve(id, cookies.compliance)
    }),
    ...plan.written.map((customerId) => async () => {
      const id = plan.filed.get(customerId) ?? (await steps.file({ customerId, type: 'erasure', channel: 'written' }, cookies.compliance))
      await steps.approve(id, cookies.second)
    }),
    ...plan.edits.map(({ customerId, addressId }) => async () => {
      const id = plan.filed.get(customerId) ?? (await steps.fileForCaller(customerId, 'edit', editOf(plan.n, customerId, addressId)))
      await steps.approve(id, cookies.second)
    }),
    ...plan.disclosures.map((subjectIds, k) => () => steps.disclose(subjectIds, `CRASH-${plan.n}-${k}`)),
    ...plan.staff.map((s) => () => steps.addStaff(s.email, s.role)),
  ]
  const done = Promise.all(
    chains.map((chain) =>
      chain().catch((e: unknown) => {
        if (!(state.killed && e instanceof TypeError)) unexpected.push(e instanceof Error ? e.message : String(e))
      }),
    ),
  )
  return { done, unexpected, state }
}

it('after SIGKILL at random moments, every operation happened entirely or not at all, and the audit chain verifies', async () => {
  console.log(`crash test: seed ${SEED} (set CRASH_SEED to change it, CRASH_BUDGET_MS for the time spent on trials)`)
  const files = serverFiles(dir)
  const { key } = loadAuditKey({ key: undefined, file: files.AUDIT_KEY_FILE, create: false })

  // A second compliance officer with the seeded password, put straight into the tables.
  await addStaff(db, [{ email: SECOND_OFFICER, name: 'Second Officer', role: 'compliance' }])

  // Sessions live in the database, so these cookies outlast every restart.
  const { login, request } = httpClient(server.url)
  const cookies = {
    agent: await login('agent'),
    compliance: await login('compliance'),
    second: await login(SECOND_OFFICER),
    admin: await login('admin'),
  }
  // Callers cut off between opening a verification and answering it count against the agent: allow for every trial's.
  const limit = await request('PUT', '/api/settings/agent_unverified_customers_per_hour', { cookie: cookies.admin, body: { value: 100 } })
  expect(limit.status, limit.text).toBe(202)
  const granted = await request('POST', `/api/grants/${limit.json.pending_grant.id}/approve`, { cookie: cookies.compliance, body: {} })
  expect(granted.status, granted.text).toBe(200)

  // Customers to act on: adults with every question on file, for requests; any others, as subjects of disclosures.
  const adultsBornBefore = `${new Date().getUTCFullYear() - 19}-01-01`
  const fullyOnFile = (
    await customersFullyOnFile(db)
      .where('c.email', 'is not', null)
      .where('c.guardian_name', 'is', null)
      .where('c.birth_date', '<', adultsBornBefore)
      .execute()
  ).map((r) => r.id)
  const others = (
    await db.selectFrom('customers').select('id').where('status', '=', 'active').where('id', 'not in', fullyOnFile).execute()
  ).map((r) => r.id)
  const subjects = take(others, 8)
  // Values only one customer has, and that no other customer's or staff member's contain: after that customer's erasure,
  // finding one anywhere is a leak.
  const valuesOf = new Map<number, string[]>()
  for (const { id } of await db.selectFrom('customers').select('id').execute()) {
    valuesOf.set(
      id,
      (await personalValues(db, id)).filter((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v)),
    )
  }
  const staffTexts = (await db.selectFrom('staff_users').select(['name', 'email']).execute()).flatMap((u) => [u.name, u.email])
  function ownValues(customerId: number) {
    const others = [...valuesOf]
      .flatMap(([id, values]) => (id === customerId ? [] : values))
      .concat(staffTexts)
      .join('\n')
    return valuesOf.get(customerId)!.filter((v) => !others.includes(v))
  }

  /** Erased customers' own values found in the given files. */
  function leftInFiles(erased: number[], paths: string[], where: string): string[] {
    const bytes = Buffer.concat(paths.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)))
    return erased.flatMap((customerId) => {
      const inFiles = ownValues(customerId).filter((v) => bytes.includes(Buffer.from(v)))
      return inFiles.length ? [`customer #${customerId} was erased, but ${where} still holds ${inFiles.join('; ')}`] : []
    })
  }

  const stats = { trials: 0, kills: 0, cutOff: 0, acknowledged: 0, erased: 0, edited: 0, valuesChecked: 0 }
  let uninterrupted = 0
  const started = Date.now()
  while ((stats.trials < MIN_TRIALS || Date.now() - started < BUDGET_MS) && fullyOnFile.length >= 6) {
    const n = stats.trials
    const plan: Plan = {
      n,
      erasures: take(fullyOnFile, 3),
      written: take(fullyOnFile, 1),
      edits: await Promise.all(
        take(fullyOnFile, 2).map(async (customerId) => ({
          customerId,
          addressId: (
            await db.selectFrom('addresses').select('id').where('customer_id', '=', customerId).orderBy('id').executeTakeFirstOrThrow()
          ).id,
        })),
      ),
      disclosures: [take([...subjects], 2), take([...subjects], 2)],
      staff: [{ email: `crash-${n}@example.com`, role: n % 2 ? 'compliance' : 'agent' }],
      filed: new Map(),
    }
    const touched = [...plan.erasures, ...plan.written, ...plan.edits.map((e) => e.customerId)]
    const before = new Map(await Promise.all(touched.map(async (id) => [id, await customerRows(id)] as const)))

    // Most requests are filed before the kill is due, so that it lands among their approvals (an erasure's or an edit's
    // many rows); one erasure and one edit go from the caller's verification to the approval within the trial.
    const staff = staffAt(server.url, cookies)
    const edit = plan.edits[0]!
    const ahead: [number, Promise<number>][] = [
      ...plan.erasures.slice(1).map((id) => [id, staff.steps.fileForCaller(id, 'erasure')] as [number, Promise<number>]),
      ...plan.written.map(
        (id) =>
          [id, staff.steps.file({ customerId: id, type: 'erasure', channel: 'written' }, cookies.compliance)] as [number, Promise<number>],
      ),
      [edit.customerId, staff.steps.fileForCaller(edit.customerId, 'edit', editOf(n, edit.customerId, edit.addressId))],
    ]
    for (const [customerId, filing] of ahead) plan.filed.set(customerId, await filing)

    // The first trial runs to the end, to learn how long one takes; every later one is killed somewhere within that time.
    const trial = startPlan(plan, staff, cookies)
    const sent = Date.now()
    if (n === 0) {
      await trial.done
      uninterrupted = Date.now() - sent
    } else {
      await sleep(random() * uninterrupted)
      trial.state.killed = true
      stats.cutOff += staff.inFlight()
      const errors = server.errors()
      await server.kill()
      stats.kills++
      await trial.done
      expect(errors, 'the server’s stderr before the kill').toBe('')
      server = await startServer(env)
    }
    expect(trial.unexpected, `trial ${n}: requests that failed other than by the kill`).toEqual([])

    const problems: string[] = []
    for (const a of staff.acknowledged) if (!(await a.holds())) problems.push(`acknowledged, then lost: ${a.what}`)
    problems.push(...(await brokenInvariants()))
    // A customer whose erasure or edit did not complete is exactly as before; an edited one differs by the edit alone.
    for (const customerId of touched) {
      const now = await customerRows(customerId)
      const status = (now.customers![0] as { status: string }).status
      if (status === 'erased') continue
      const edit = plan.edits.find((e) => e.customerId === customerId)
      const applied =
        edit &&
        (await db
          .selectFrom('data_requests')
          .select('id')
          .where('customer_id', '=', customerId)
          .where('type', '=', 'edit')
          .where('status', '=', 'completed')
          .executeTakeFirst())
      const expected = structuredClone(before.get(customerId)!)
      if (applied) {
        const customer = expected.customers![0] as Record<string, unknown>
        const current = now.customers![0] as Record<string, unknown>
        Object.assign(customer, { first_name: `Renamed${n}`, first_name_folded: current.first_name_folded })
        const address = expected.addresses!.find((a) => (a as { id: number }).id === edit.addressId) as Record<string, unknown>
        address.line1 = `${n} Crash Lane, flat ${customerId}`
        stats.edited++
      }
      if (JSON.stringify(now) !== JSON.stringify(expected))
        problems.push(`customer #${customerId} (${status}) changed other than by a completed request`)
    }
    // What an erasure removed is nowhere: not in any table, nor in the database's files (the write-ahead log included).
    const erasedNow = (
      await db
        .selectFrom('customers')
        .select('id')
        .where('id', 'in', [...plan.erasures, ...plan.written])
        .where('status', '=', 'erased')
        .execute()
    ).map((r) => r.id)
    stats.erased += erasedNow.length
    const texts = await everyText(handle)
    for (const customerId of erasedNow) {
      const values = ownValues(customerId)
      stats.valuesChecked += values.length
      const inTables = texts.filter((text) => values.some((v) => text.includes(v)))
      if (inTables.length) problems.push(`customer #${customerId} was erased, but tables still hold their values: ${inTables.join('; ')}`)
    }
    // Nor in the write-ahead log, which the server empties after each erasure and at every start (a crash in between).
    problems.push(...leftInFiles(erasedNow, [`${files.DATABASE_URL}-wal`], 'the write-ahead log'))
    // Nor in the database file once compacted: secure_delete leaves copies of moved rows in pages' unused space, which
    // the compaction run with retention rewrites away (docs/decisions/0016-erased-values-in-the-files.md).
    if (erasedNow.length) {
      expect(await compactAfterErasures(db, new Date()), 'compaction after erasures').toMatch(/^Compacted the database/)
      problems.push(...leftInFiles(erasedNow, [files.DATABASE_URL, `${files.DATABASE_URL}-wal`], 'the compacted database'))
    }
    const { checkpoints } = await readAuditCheckpoints(files.AUDIT_CHECKPOINT_FILE)
    const chain = await verifyAuditChain(db, key, { checkpoints })
    if (!chain.ok) problems.push(chain.message)
    expect(problems, `trial ${n} (seed ${SEED})`).toEqual([])
    stats.trials++
    stats.acknowledged += staff.acknowledged.length
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  console.log(
    `crash test: seed ${SEED}, ${stats.trials} trials in ${seconds} s (one uninterrupted, of ${uninterrupted} ms), ${stats.kills} kills ` +
      `with ${stats.cutOff} requests under way, ${stats.acknowledged} acknowledged writes, ${stats.erased} customers erased (${stats.valuesChecked} of their values looked for) and ${stats.edited} edited`,
  )
  expect(stats.trials).toBeGreaterThanOrEqual(MIN_TRIALS)

  // The last server stops as an operator stops it, and the real command finds the chain whole up to its last checkpoint.
  expect(server.errors()).toBe('')
  expect(await server.stop()).toBe(0)
  const verified = await npmRun('audit:verify', [], files)
  expect(verified.code, verified.out).toBe(0)
  expect(verified.out).toContain('Audit chain intact')
}, 240_000)
