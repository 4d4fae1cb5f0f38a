import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type DatabaseHandle, type DialectName, GroupCommitDriver, type StaffRole } from '@verity/db'
import { createTestDatabase } from '@verity/db/testing'
import { CompiledQuery, type Kysely, sql } from 'kysely'
import { createApp } from './app.js'
import type { AppConfig } from './platform/context.js'
import { seedStaff } from './modules/staff/staff.seed.js'
import { hashPassword } from './platform/passwords.js'

export { everyText, personalValues } from './modules/requests/requests.testing.js'

export const TEST_PASSWORD = 'Correct-horse-battery-9'
export const ORIGIN = 'http://localhost'
/** The audit chain's key in tests; the server's comes from AUDIT_KEY or its key file. */
export const TEST_AUDIT_KEY = new TextEncoder().encode('verity-test-audit-key-32-bytes!!')

export interface TestResponse {
  status: number
  headers: Headers
  json: any
  text: string
}

/** Tests sign in with the password alone unless they are about the second factor (second-factor.test.ts). */
export const TEST_MFA: AppConfig['mfa'] = { requiredRoles: [], freshMs: 5 * 60_000 }

/** The dialect the API suite runs on: SQLite, or PostgreSQL in the suite's second run (vitest.config.ts, `api-postgres`). */
export const TEST_DIALECT: DialectName = process.env.VERITY_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite'

/**
 * A fresh app on a fresh database with the four seeded staff, and a small HTTP client for it: in memory on SQLite, or
 * on PostgreSQL in a schema of its own that `close()` drops.
 */
export async function createTestApp({
  customers = 0,
  config = {},
  database = TEST_DIALECT,
}: { customers?: number; config?: Partial<AppConfig>; database?: DialectName } = {}) {
  const handle = await createTestDatabase({ customers, dialect: database })
  await seedStaff(handle.db, TEST_AUDIT_KEY, TEST_PASSWORD)
  const { app, api } = createApp(handle.db, { auditKey: TEST_AUDIT_KEY, mfa: TEST_MFA, ...config })
  const servers: { close(): void }[] = []

  async function request(
    method: string,
    path: string,
    {
      body,
      cookie,
      origin = ORIGIN,
      headers = {},
    }: { body?: unknown; cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
  ): Promise<TestResponse> {
    const h: Record<string, string> = { Accept: 'application/json', ...headers }
    if (origin) h.Origin = origin
    if (cookie) h.Cookie = cookie
    if (body !== undefined) h['Content-Type'] = 'application/json'
    const res = await app.request(`${ORIGIN}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    return testResponse(res)
  }

  /** Signs in as a seeded role or any staff email and answers the session cookie ("name=value") to send back. */
  async function login(who: StaffRole | string, password = TEST_PASSWORD): Promise<string> {
    const res = await app.request(`${ORIGIN}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ email: emailOf(who), password }),
    })
    if (res.status !== 200) throw new Error(`login as ${who}: ${res.status} ${await res.text()}`)
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  /** Another staff member with the test password, put straight into the tables (a second compliance officer, say). */
  async function addStaff(role: StaffRole, email: string, name = email.split('@')[0]!) {
    const at = new Date().toISOString()
    const { id } = await handle.db
      .insertInto('staff_users')
      .values({ email, name, role, created_at: at, updated_at: at, last_login_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
    await handle.db
      .insertInto('staff_credentials')
      .values({ staff_id: id, password_hash: await hashPassword(TEST_PASSWORD), changed_at: at })
      .execute()
    return id
  }

  /**
   * The same app behind a real HTTP server on a free loopback port, for attacks that need real concurrency and a real
   * client address. better-sqlite3 answers within the same turn of the event loop, so without help a request would run
   * from its check to its write before the next one starts; here every query outside a transaction first waits a few
   * milliseconds, as a round trip to a database server does, so requests sent together interleave between queries as
   * they do in production. Work inside one transaction holds the connection and is not interleaved, as it must not be.
   * `{pauses: false}` leaves the queries as SQLite runs them, for attacks on what a long piece of work holds up.
   */
  async function listen({ pauses = true }: { pauses?: boolean } = {}) {
    if (pauses) interleaveQueries()
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    servers.push(server)
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    async function http(
      method: string,
      path: string,
      { body, cookie, headers = {} }: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
    ): Promise<TestResponse> {
      const h: Record<string, string> = { Accept: 'application/json', Origin: url, ...headers }
      if (cookie) h.Cookie = cookie
      if (body !== undefined) h['Content-Type'] = 'application/json'
      return testResponse(await fetch(`${url}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }))
    }
    async function httpLogin(who: StaffRole | string, password = TEST_PASSWORD): Promise<string> {
      const res = await http('POST', '/api/auth/login', { body: { email: emailOf(who), password } })
      if (res.status !== 200) throw new Error(`login as ${who}: ${res.status} ${res.text}`)
      return res.headers.get('set-cookie')!.split(';')[0]!
    }
    return { url, request: http, login: httpLogin }
  }

  /**
   * An admin changes a setting as in the console; where the change takes two people (grants), the seeded compliance
   * officer approves it. Answers the setting's value afterwards.
   */
  async function changeSetting(key: string, value: number): Promise<number> {
    const res = await request('PUT', `/api/settings/${key}`, { cookie: await login('admin'), body: { value } })
    if (res.status === 202) {
      const approved = await request('POST', `/api/grants/${res.json.pending_grant.id}/approve`, {
        cookie: await login('compliance'),
        body: {},
      })
      if (approved.status !== 200) throw new Error(`approving ${key} = ${value}: ${approved.status} ${approved.text}`)
    } else if (res.status !== 200) throw new Error(`changing ${key} to ${value}: ${res.status} ${res.text}`)
    return (await request('GET', `/api/settings/${key}`, { cookie: await login('admin') })).json.value
  }

  async function close() {
    GroupCommitDriver.prototype.acquireConnection = acquireConnection
    for (const s of servers) s.close()
    await handle.close()
  }

  return { app, api, db: handle.db, handle, request, login, addStaff, changeSetting, listen, close }
}

/** A response read whole: its status, headers, text and, where the text is JSON, the parsed body. */
export async function testResponse(res: Response): Promise<TestResponse> {
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, json, text }
}

const emailOf = (who: string) => (who.includes('@') ? who : `${who}@example.com`)

const acquireConnection = GroupCommitDriver.prototype.acquireConnection
function interleaveQueries() {
  GroupCommitDriver.prototype.acquireConnection = async function (this: GroupCommitDriver) {
    await new Promise((resolve) => setTimeout(resolve, 3))
    return acquireConnection.call(this)
  }
}

/** The same request n times at once; answers the statuses in order and every response. */
export async function inParallel(n: number, send: (i: number) => Promise<TestResponse>) {
  const responses = await Promise.all(Array.from({ length: n }, (_, i) => send(i)))
  return { responses, statuses: responses.map((r) => r.status) }
}

/** How many times each status came back: `{200: 1, 409: 29}`. */
export function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1
  return counts
}

/** A simple-rest list URL. */
export function listUrl(resource: string, { sort, range, filter }: { sort?: unknown; range?: unknown; filter?: unknown } = {}) {
  const q = new URLSearchParams()
  if (sort) q.set('sort', JSON.stringify(sort))
  if (range) q.set('range', JSON.stringify(range))
  if (filter) q.set('filter', JSON.stringify(filter))
  return `/api/${resource}?${q}`
}

/** What a real caller would answer for each question, read straight from the database (tests only). */
export async function callerAnswers(db: Awaited<ReturnType<typeof createTestApp>>['db'], customerId: number) {
  const c = await db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
  const address = await db
    .selectFrom('addresses')
    .select('postal_code')
    .where('customer_id', '=', customerId)
    .where('postal_code', 'is not', null)
    .executeTakeFirst()
  const order = await db
    .selectFrom('orders')
    .select('number')
    .where('customer_id', '=', customerId)
    .orderBy('placed_at', 'desc')
    .executeTakeFirst()
  const card = await db.selectFrom('payment_methods').select('last4').where('customer_id', '=', customerId).executeTakeFirst()
  return {
    birth_date: c.birth_date,
    postal_code: address?.postal_code ?? null,
    phone_last4: c.phone ? c.phone.replace(/\D/g, '').slice(-4) : null,
    email: c.email,
    order_number: order?.number ?? null,
    card_last4: card?.last4 ?? null,
  } as Record<string, string | null>
}

/**
 * Opens a verification of a customer and answers every question right, as the caller would: the staff member is then
 * verified for them. Throws when it does not pass, naming what the server said.
 */
export async function verifyCaller(
  send: (method: string, path: string, options: { cookie: string; body: unknown }) => Promise<TestResponse>,
  db: Awaited<ReturnType<typeof createTestApp>>['db'],
  customerId: number,
  cookie: string,
  who: { caller?: string; callerName?: string } = {},
): Promise<{ id: number; questions: { id: number; field: string }[] }> {
  const start = await send('POST', '/api/verifications', { cookie, body: { customerId, channel: 'phone', ...who } })
  if (start.status !== 201) throw new Error(`verification of #${customerId}: ${start.status} ${start.text}`)
  const v = start.json as { id: number; questions: { id: number; field: string }[] }
  const truth = await callerAnswers(db, customerId)
  const res = await send('POST', `/api/verifications/${v.id}/answers`, {
    cookie,
    body: { answers: v.questions.map((q) => ({ questionId: q.id, value: truth[q.field] })) },
  })
  if (res.json?.status !== 'verified') throw new Error(`verification of #${customerId}: ${res.status} ${res.text}`)
  return v
}

/** Seeded customers with something on file for every question, by id: a query to narrow further. */
export function customersFullyOnFile(db: Awaited<ReturnType<typeof createTestApp>>['db']) {
  return db
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.status', '=', 'active')
    .where('c.birth_date', 'is not', null)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('addresses as a').select('a.id').whereRef('a.customer_id', '=', 'c.id').where('a.postal_code', 'is not', null),
      ),
    )
    .where((eb) => eb.exists(eb.selectFrom('orders as o').select('o.id').whereRef('o.customer_id', '=', 'c.id')))
    .where((eb) => eb.exists(eb.selectFrom('payment_methods as p').select('p.id').whereRef('p.customer_id', '=', 'c.id')))
    .orderBy('c.id')
}

/** A seeded customer with something on file for every question. */
export async function fullyOnFile(db: Awaited<ReturnType<typeof createTestApp>>['db'], offset = 0) {
  return (await customersFullyOnFile(db).offset(offset).limit(1).executeTakeFirstOrThrow()).id
}

/** The same database, keeping every statement run through it, compiled, in order: for planOf. */
export function recordQueries<DB>(db: Kysely<DB>): { db: Kysely<DB>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = []
  const recording = db.withPlugin({
    transformQuery: ({ node, queryId }) => {
      queries.push(db.getExecutor().compileQuery(node, queryId))
      return node
    },
    transformResult: async ({ result }) => result,
  })
  return { db: recording, queries }
}

/**
 * The query's plan, a line per step: a compiled query, or SQL with its parameters. PostgreSQL would read a table this
 * small whole whatever its indexes, so there the plan is asked for with sequential scans priced out: one still appears
 * only where no index can answer.
 */
export async function planOf(
  { db, dialect }: DatabaseHandle,
  compiled: CompiledQuery | string,
  parameters: unknown[] = [],
): Promise<string[]> {
  const query = typeof compiled === 'string' ? CompiledQuery.raw(compiled, parameters) : compiled
  if (dialect === 'sqlite') {
    const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]))
    return plan.rows.map((r) => r.detail)
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx)
    const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]))
    return plan.rows.map((r) => r['QUERY PLAN'])
  })
}

/** The tables (or their aliases) the query's plan reads whole, row by row or by a whole index: none for a query that is kept to its rows. */
export async function tablesReadWhole(handle: DatabaseHandle, query: CompiledQuery): Promise<string[]> {
  return (await planOf(handle, query)).flatMap((step) => /^\W*(?:SCAN|Seq Scan on) (\w+)/.exec(step.trim())?.[1] ?? [])
}
