import SQLite from 'better-sqlite3'
import { createApp } from '@verity/api'
import { callerAnswers } from '@verity/api/testing'
import { type Database, isPostgresUrl, openDatabase } from '@verity/db'
import type { Kysely } from 'kysely'
import pg from 'pg'
import type { BenchDatabase } from './database.bench.js'

export interface SearchSample {
  kind: string
  queries: string[]
}

/** A page of the customers list as the console asks for it: a search, the first ten by id. */
export function customersPath(filter: Record<string, string>, range: [number, number] = [0, 9]): string {
  const q = new URLSearchParams({ filter: JSON.stringify(filter), range: JSON.stringify(range), sort: '["id","ASC"]' })
  return `/api/customers?${q}`
}

/** Ids spread over the whole table: `count` of them, evenly. */
async function spreadIds(db: Kysely<Database>, count: number): Promise<number[]> {
  const { max } = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirstOrThrow()
  return Array.from({ length: count }, (_, i) => 1 + Math.floor(((i + 0.5) / count) * Number(max)))
}

/** Real identifiers of customers spread over the whole table, typed the ways agents type them. */
export async function searchSamples(db: Kysely<Database>, count: number): Promise<SearchSample[]> {
  const ids = await spreadIds(db, count)
  const rows = await db.selectFrom('customers').selectAll().where('id', 'in', ids).execute()
  const orders = await db
    .selectFrom('orders')
    .select(['customer_id', 'number'])
    .where('customer_id', 'in', ids)
    .where('number', 'not like', '%-B%') // the seed's own numbers, not the copies that top the orders up
    .execute()
  const han = rows.filter((r) => /\p{Script=Han}/u.test(r.last_name ?? ''))
  const pinyin = rows.filter((r) => r.country === 'CN' && !/\p{Script=Han}/u.test(r.last_name ?? ''))
  return [
    { kind: 'customer id', queries: rows.map((r) => String(r.id)) },
    { kind: 'email', queries: rows.map((r) => r.email!.toUpperCase()) },
    { kind: 'order number', queries: orders.map((o) => o.number.toLowerCase()) },
    { kind: 'phone, international', queries: rows.map((r) => r.phone!) },
    { kind: 'phone, national digits', queries: rows.map((r) => r.phone!.replace(/^\+\d+ /, '').replace(/\D/g, '')) },
    { kind: 'name, pinyin', queries: pinyin.map((r) => `${r.last_name} ${r.first_name}`) },
    { kind: 'name, characters', queries: han.map((r) => `${r.last_name}${r.first_name}`) },
    { kind: 'name, other', queries: rows.filter((r) => r.country !== 'CN').map((r) => `${r.first_name} ${r.last_name}`) },
  ]
}

export interface Caller {
  customerId: number
  /** what the caller answers to each question, as on file */
  answers: Record<string, string | null>
}

/** Active customers spread over the table and what each would answer when verified: the verification load's callers. */
export async function callers(db: Kysely<Database>, count: number): Promise<Caller[]> {
  const ids = await spreadIds(db, count)
  const active = await db.selectFrom('customers').select('id').where('id', 'in', ids).where('status', '=', 'active').execute()
  const out: Caller[] = []
  for (const { id } of active) out.push({ customerId: id, answers: await callerAnswers(db, id) })
  return out
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

/** Times each search one at a time through the production server (session, validation, query, count, audit entry). */
export async function timeSearches(get: (path: string) => Promise<Response>, samples: SearchSample[]) {
  const results = []
  for (const { kind, queries } of samples) {
    const times: number[] = []
    let found = 0
    for (const q of queries) {
      const started = performance.now()
      const res = await get(customersPath({ q }))
      const body = (await res.json()) as unknown[]
      times.push(performance.now() - started)
      if (res.status !== 200) throw new Error(`${kind} search "${q}" answered ${res.status}`)
      if (body.length > 0) found++
    }
    times.sort((a, b) => a - b)
    results.push({
      kind,
      n: queries.length,
      found,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      max: times[times.length - 1]!,
    })
  }
  return results
}

interface Statement {
  sql: string
  parameters: readonly unknown[]
}

/**
 * The SQL a search for `q` runs over the customers table, exactly as the service builds it: one search through the whole
 * app in this process on the bench database (its session check, rate count and audit entry included), with every query
 * recorded, keeping the reads of `customers` (the page, the count, the ids recorded as found).
 */
export async function searchStatements(bench: BenchDatabase, agent: string, password: string, q: string): Promise<Statement[]> {
  const statements: Statement[] = []
  let recording = false
  const { db, close } = openDatabase(bench.url, {
    log: (event) => {
      if (recording && event.level === 'query') statements.push({ sql: event.query.sql, parameters: event.query.parameters })
    },
  })
  try {
    const { app } = createApp(db, { auditKey: bench.auditKey, mfa: { requiredRoles: [], freshMs: 5 * 60_000 } })
    const login = await app.request('http://localhost/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
      body: JSON.stringify({ email: agent, password }),
    })
    if (login.status !== 200) throw new Error(`sign-in as ${agent} answered ${login.status}`)
    recording = true
    const res = await app.request(`http://localhost${customersPath({ q })}`, {
      headers: { Cookie: login.headers.get('set-cookie')!.split(';')[0]! },
    })
    recording = false
    if (res.status !== 200) throw new Error(`search "${q}" answered ${res.status}: ${await res.text()}`)
    return statements.filter((s) => /^select\b/i.test(s.sql) && /\bfrom "customers"/i.test(s.sql))
  } finally {
    await close()
  }
}

/**
 * The raw baseline: `statements` run straight through the database's own driver (no HTTP, no framework, no transaction,
 * no audit) for `seconds`; answers searches a second. On SQLite, better-sqlite3 with each statement prepared once, one
 * search after another, as the server's one connection runs them. On PostgreSQL, node-postgres with named (prepared)
 * statements on as many connections as the server's pool, each running searches one after another.
 */
export async function rawSearchRate(url: string, statements: Statement[], seconds: number): Promise<number> {
  return isPostgresUrl(url) ? rawSearchRatePostgres(url, statements, seconds) : rawSearchRateSqlite(url, statements, seconds)
}

function rawSearchRateSqlite(file: string, statements: Statement[], seconds: number): number {
  const sqlite = new SQLite(file, { readonly: true })
  try {
    const prepared = statements.map((s) => ({ stmt: sqlite.prepare(s.sql), parameters: s.parameters }))
    const started = performance.now()
    const until = started + seconds * 1000
    let searches = 0
    while (performance.now() < until) {
      for (const { stmt, parameters } of prepared) stmt.all(...parameters)
      searches++
    }
    return searches / ((performance.now() - started) / 1000)
  } finally {
    sqlite.close()
  }
}

async function rawSearchRatePostgres(url: string, statements: Statement[], seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: RAW_CONNECTIONS })
  try {
    const started = performance.now()
    const until = started + seconds * 1000
    let searches = 0
    await Promise.all(
      Array.from({ length: RAW_CONNECTIONS }, async () => {
        const client = await pool.connect()
        try {
          while (performance.now() < until) {
            for (const [i, s] of statements.entries()) await client.query({ name: `raw-${i}`, text: s.sql, values: [...s.parameters] })
            searches++
          }
        } finally {
          client.release()
        }
      }),
    )
    return searches / ((performance.now() - started) / 1000)
  } finally {
    await pool.end()
  }
}

/** the server's pool size on PostgreSQL (DATABASE_POOL_SIZE's default) */
const RAW_CONNECTIONS = 10
