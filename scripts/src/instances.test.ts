import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { verifyAuditChain } from '@verity/api'
import { callerAnswers, customersFullyOnFile, listUrl, tally, type TestResponse, verifyCaller } from '@verity/api/testing'
import { type DatabaseHandle, openDatabase } from '@verity/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, freePort, httpClient, type ServerProcess, serverEnv, startServer } from './server.testing.js'

/**
 * Two API instances on one PostgreSQL database, as behind a load balancer (README, "PostgreSQL and several instances"): real server
 * processes on two ports, started together on an empty database made for this file and dropped after. Nothing either
 * keeps in memory may matter: sessions, throttling, verification attempts and locks, erasures and the audit chain are
 * the database's, and every check with its write holds across the two (docs/design.md promise 10).
 */
const SERVER = process.env.TEST_POSTGRES_SERVER ?? 'postgres://postgres@127.0.0.1:5432'
const DATABASE = `verity_instances_${process.pid}`
const DATABASE_URL = `${SERVER}/${DATABASE}`
const AUDIT_KEY = randomBytes(32).toString('hex')
const CUSTOMERS = 120

type Client = ReturnType<typeof httpClient>
let dirs: string[] = []
let servers: ServerProcess[] = []
let a: Client
let b: Client
let handle: DatabaseHandle
/** the same call through either instance, alternating: request i goes to A when i is even */
const either = (i: number) => (i % 2 === 0 ? a : b)

async function onServer(work: (db: DatabaseHandle['db']) => Promise<unknown>) {
  const admin = openDatabase(`${SERVER}/postgres`)
  try {
    await work(admin.db)
  } finally {
    await admin.close()
  }
}

beforeAll(async () => {
  await onServer((db) => sql`create database ${sql.id(DATABASE)}`.execute(db))
  const ports = [await freePort(), await freePort()]
  dirs = ports.map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'verity-instance-')))
  // Started together on an empty database: one migrates and seeds, the other waits its turn and finds it done.
  servers = await Promise.all(
    ports.map((port, i) =>
      startServer(serverEnv(dirs[i]!, port, { DATABASE_URL, AUDIT_KEY, SEED_CUSTOMERS: String(CUSTOMERS), DRAIN_SECONDS: '2' })),
    ),
  )
  a = httpClient(servers[0]!.url)
  b = httpClient(servers[1]!.url)
  handle = openDatabase(DATABASE_URL)
  await addStaff(handle.db, [
    { email: 'agent2@example.com', name: 'Agent Two', role: 'agent' },
    { email: 'agent3@example.com', name: 'Agent Three', role: 'agent' },
    { email: 'guessed@example.com', name: 'Guessed', role: 'agent' },
    { email: 'compliance2@example.com', name: 'Second Officer', role: 'compliance' },
  ])
}, 180_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
  await handle?.close()
  await onServer((db) => sql`drop database if exists ${sql.id(DATABASE)} with (force)`.execute(db))
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
}, 60_000)

const count = async (table: 'customers' | 'staff_users' | 'kysely_migration') =>
  Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(handle.db)).rows[0]!.n)

/** Customers with every question on file, none used by an earlier test. */
let used = 0
async function freshCustomers(n: number) {
  const rows = await customersFullyOnFile(handle.db).orderBy('c.id').offset(used).limit(n).execute()
  used += n
  return rows.map((r) => r.id)
}

describe('two instances on one PostgreSQL database', () => {
  it('started together, migrate and seed once, and both are ready', async () => {
    expect(await count('customers')).toBe(CUSTOMERS)
    expect(await count('staff_users')).toBe(4 + 4)
    const migrations = await count('kysely_migration')
    expect(migrations).toBeGreaterThan(10)
    expect(servers.map((s) => s.errors())).toEqual(['', ''])
    for (const client of [a, b]) expect(await client.request('GET', '/api/ready')).toMatchObject({ status: 200, json: { ready: true } })
  })

  it('a session made on one works on the other, and signing out on the other ends it on both', async () => {
    const cookie = await a.login('manager')
    expect((await b.request('GET', '/api/auth/me', { cookie })).json.email).toBe('manager@example.com')
    expect((await b.request('POST', '/api/auth/logout', { cookie })).status).toBe(204)
    expect((await a.request('GET', '/api/auth/me', { cookie })).status).toBe(401)
    expect((await b.request('GET', '/api/auth/me', { cookie })).status).toBe(401)
  })

  it('30 wrong passwords at once, split over both: one limit for the account from this address (5), then 429 everywhere', async () => {
    const statuses = (
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          either(i).request('POST', '/api/auth/login', { body: { email: 'guessed@example.com', password: `wrong-password-${i}` } }),
        ),
      )
    ).map((r) => r.status)
    expect(tally(statuses)).toEqual({ 401: 5, 429: 25 })
    // The right password is refused on both now: the lock is the database's, not a process's.
    await expect(a.login('guessed@example.com')).rejects.toThrow(/429/)
    await expect(b.login('guessed@example.com')).rejects.toThrow(/429/)
  })

  it('failed verifications on both count toward one lock of the customer, which both then refuse', async () => {
    const [customerId] = await freshCustomers(1)
    const agents = [await a.login('agent'), await b.login('agent2'), await a.login('agent3')]
    const fail = async (client: Client, cookie: string) => {
      const started = await client.request('POST', '/api/verifications', { cookie, body: { customerId, channel: 'phone' } })
      if (started.status !== 201) return started
      return client.request('POST', `/api/verifications/${started.json.id}/answers`, {
        cookie,
        body: { answers: started.json.questions.map((q: { id: number }) => ({ questionId: q.id, value: 'not what is on file' })) },
      })
    }
    // verification_failures_per_day is 3: one failure through A, one through B, the third through A locks.
    expect((await fail(a, agents[0]!)).json.status).toBe('failed')
    expect((await fail(b, agents[1]!)).json.status).toBe('failed')
    expect((await fail(a, agents[2]!)).json.status).toBe('locked')
    for (const [client, cookie] of [
      [b, agents[1]!],
      [a, agents[0]!],
    ] as const) {
      const refused = await client.request('POST', '/api/verifications', { cookie, body: { customerId, channel: 'phone' } })
      expect(refused.status).toBeGreaterThanOrEqual(400)
      expect(refused.json.error.reason).toBe('customer_locked')
    }
  })

  it('30 answers to one question at once, split over both: judged once', async () => {
    const [customerId] = await freshCustomers(1)
    const cookie = await a.login('agent3')
    const started = await a.request('POST', '/api/verifications', { cookie, body: { customerId, channel: 'phone' } })
    expect(started.status).toBe(201)
    const truth = await callerAnswers(handle.db, customerId!)
    const [question] = started.json.questions as { id: number; field: string }[]
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        either(i).request('POST', `/api/verifications/${started.json.id}/answers`, {
          cookie,
          body: { answers: [{ questionId: question!.id, value: truth[question!.field] }] },
        }),
      ),
    )
    expect(tally(answers.map((r) => r.status))).toEqual({ 200: 1, 409: 29 })
    const judged = await handle.db
      .selectFrom('verification_questions')
      .select('matched')
      .where('verification_id', '=', started.json.id)
      .where('id', '=', question!.id)
      .executeTakeFirstOrThrow()
    expect(judged.matched).toBeTruthy()
  })

  it('30 filings of one request at once, split over both: one 201, the rest 409', async () => {
    const [customerId] = await freshCustomers(1)
    const officer = await a.login('compliance')
    const filings = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        either(i).request('POST', '/api/requests', { cookie: officer, body: { customerId, type: 'access', channel: 'written' } }),
      ),
    )
    expect(tally(filings.map((r) => r.status))).toEqual({ 201: 1, 409: 29 })
    const filed = await handle.db.selectFrom('data_requests').select('id').where('customer_id', '=', customerId!).execute()
    expect(filed).toHaveLength(1)
  })

  it('a caller verified through one instance is unmasked for that agent on the other, and for no one else', async () => {
    const [customerId] = await freshCustomers(1)
    const { email } = await handle.db.selectFrom('customers').select('email').where('id', '=', customerId!).executeTakeFirstOrThrow()
    const agent = await a.login('agent')
    await verifyCaller((method, p, options) => a.request(method, p, options), handle.db, customerId!, agent)
    const onB = await b.request('GET', `/api/customers/${customerId}`, { cookie: agent })
    expect(onB.status).toBe(200)
    expect(onB.json.email).toBe(email)
    const colleague = await b.request('GET', `/api/customers/${customerId}`, { cookie: await b.login('agent2') })
    expect(colleague.status).toBe(200)
    expect(colleague.json.email).toMatch(/^.\*\*\*@/)
  })

  it('an erasure approved on one is seen at once on the other: the agent there finds no one', async () => {
    const [customerId] = await freshCustomers(1)
    const { email } = await handle.db.selectFrom('customers').select('email').where('id', '=', customerId!).executeTakeFirstOrThrow()
    const agent = await b.login('agent2')
    const search = (client: Client) => client.request('GET', listUrl('customers', { filter: { q: email } }), { cookie: agent })
    expect((await search(b)).json.map((c: { id: number }) => c.id)).toEqual([customerId])
    const filed = await a.request('POST', '/api/requests', {
      cookie: await a.login('compliance'),
      body: { customerId, type: 'erasure', channel: 'written' },
    })
    expect(filed.status).toBe(201)
    // 30 approvals by the second officer at once, split over both: the erasure happens once.
    const second = await b.login('compliance2')
    const approvals = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        either(i).request('POST', `/api/requests/${filed.json.id}/approve`, { cookie: second, body: {} }),
      ),
    )
    expect(tally(approvals.map((r) => r.status))).toEqual({ 200: 1, 409: 29 })
    expect((await search(b)).json).toEqual([])
    expect((await search(a)).json).toEqual([])
    const erased = await handle.db
      .selectFrom('customers')
      .select(['status', 'email'])
      .where('id', '=', customerId!)
      .executeTakeFirstOrThrow()
    expect(erased).toEqual({ status: 'erased', email: null })
  })

  it('the audit chain stays one valid chain under concurrent writes from both', async () => {
    const agents = [await a.login('agent'), await b.login('agent2')]
    const customers = await freshCustomers(12)
    const writes: Promise<unknown>[] = customers.map((customerId, i) =>
      verifyCaller(
        (method, p, options) => either(i).request(method, p, options) as Promise<TestResponse>,
        handle.db,
        customerId,
        agents[i % 2]!,
      ),
    )
    const officers = [await a.login('compliance'), await b.login('compliance2')]
    for (let i = 0; i < 20; i++)
      writes.push(either(i).request('GET', listUrl('audit-log', { range: [0, 4] }), { cookie: officers[i % 2]! }))
    await Promise.all(writes)
    const { n } = await handle.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(n)).toBeGreaterThan(12 * 3)
    expect(await verifyAuditChain(handle.db, Buffer.from(AUDIT_KEY, 'hex'))).toMatchObject({ ok: true, checked: Number(n) })
  })

  it('one instance stopping drains (not ready, still answering) while the other serves on', async () => {
    const cookie = await a.login('manager')
    const [stopping, other] = servers as [ServerProcess, ServerProcess]
    const exited = stopping.stop()
    await expect.poll(async () => (await a.request('GET', '/api/ready')).status, { timeout: 5_000, interval: 50 }).toBe(503)
    expect((await a.request('GET', '/api/auth/me', { cookie })).status).toBe(200)
    expect(await exited).toBe(0)
    expect((await b.request('GET', '/api/ready')).status).toBe(200)
    expect((await b.request('GET', '/api/auth/me', { cookie })).status).toBe(200)
    expect(other.errors()).toBe('')
  })
})
