import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { defaultAuditCheckpointFile, loadAuditKey, refreshSummaries, seedStaff } from '@verity/api'
import { type Database, isPostgresUrl, migrateToLatest, openDatabase, seedCustomers, type StaffRole, takeWriterLock } from '@verity/db'
import { type Kysely, sql } from 'kysely'
// The chain's own entry builder, so that the entries the bench adds verify as the server's do.
import { buildAuditEntry, GENESIS_HASH } from '../../../api/src/platform/audit.js'
import { ROOT } from '../build-console.js'
import { progressLine } from '../progress.js'

/** The bench's records (results, the databases it built and how long their seed took); ignored by git. */
export const BENCH_DIR = path.join(ROOT, '.bench')
const MANIFEST = path.join(BENCH_DIR, 'databases.json')
/** The seeded staff's password on every bench database. */
export const BENCH_PASSWORD = 'Bench-password-2026'

export interface BenchDatabase {
  url: string
  /** the audit key beside the database (AUDIT_KEY_FILE), created with it */
  keyFile: string
  checkpointFile: string
  auditKey: Uint8Array
  customers: number
  orders: number
  /** seconds the seed generator took for the customers and their orders: this run's, or the one recorded when it was built */
  seedSeconds: number
  seededAt: string
  /** built by this run (else reused) */
  seeded: boolean
}

interface ManifestEntry {
  customers: number
  orders: number
  /** the seed generator's sources when it was built: a change to them builds it afresh */
  generator: string
  seed_s: number
  seeded_at: string
}

function readManifest(): Record<string, ManifestEntry> {
  return fs.existsSync(MANIFEST) ? (JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Record<string, ManifestEntry>) : {}
}

/** A digest of the seed generator's sources (db/src/seed, tests aside). */
function generatorDigest(): string {
  const dir = path.join(ROOT, 'db/src/seed')
  const hash = createHash('sha256')
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()) {
    hash.update(f).update(fs.readFileSync(path.join(dir, f)))
  }
  return hash.digest('hex').slice(0, 16)
}

async function onDatabase<T>(url: string, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const handle = openDatabase(url)
  try {
    return await work(handle.db)
  } finally {
    await handle.close()
  }
}

/** Whether a PostgreSQL database has any table in its schema: one the bench did not build is never emptied. */
const hasTables = async (db: Kysely<Database>) =>
  (await sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = current_schema()`.execute(db)).rows[0]!
    .n > 0

const count = async (db: Kysely<Database>, table: 'customers' | 'orders' | 'audit_log') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

/**
 * The bench database: `customers` customers with `orders` orders, made by the seed generator and kept for the next run,
 * which reuses it while the generator and the sizes are unchanged (and builds it afresh otherwise). A file the bench did
 * not build is never removed. Then, on every run: migrations, the seeded staff, a pool of staff for the load generator's
 * connections, searches unlimited, and an audit log of at least one entry per customer.
 */
export async function prepareBenchDatabase(url: string, customers: number, orders: number): Promise<BenchDatabase> {
  const postgres = isPostgresUrl(url)
  const keyFile = postgres
    ? path.join(BENCH_DIR, `${new URL(url).pathname.slice(1)}.audit.key`)
    : path.join(path.dirname(url), `${path.basename(url, path.extname(url))}.audit.key`)
  const checkpointFile = defaultAuditCheckpointFile(url)
  const manifestKey = postgres ? url : path.resolve(url)
  const entry = readManifest()[manifestKey]
  const generator = generatorDigest()
  const exists = postgres ? await onDatabase(url, hasTables) : fs.existsSync(url)
  const current = entry && entry.customers === customers && entry.orders === orders && entry.generator === generator && exists
  if (!current) {
    if (exists && !entry) {
      throw new Error(`${url} was not built by npm run bench: empty it, or set BENCH_DATABASE_URL to another database.`)
    }
    if (postgres) {
      await onDatabase(url, async (db) => {
        await sql`drop schema public cascade`.execute(db)
        await sql`create schema public`.execute(db)
      })
    }
    for (const f of [...(postgres ? [] : [url, `${url}-wal`, `${url}-shm`]), keyFile, checkpointFile]) fs.rmSync(f, { force: true })
  }
  const handle = openDatabase(url)
  try {
    await migrateToLatest(handle.db)
    const { key: auditKey } = loadAuditKey({ file: keyFile, create: true, log: () => {} })
    let seeded: { seconds: number; at: string } | null = null
    if (!current) {
      console.log(`Seeding ${customers.toLocaleString('en')} customers into ${url} (kept for later runs)…`)
      const started = performance.now()
      const line = progressLine()
      await seedCustomers(handle, {
        count: customers,
        orders,
        onProgress: ({ done, total, elapsedMs }) =>
          line.show(done, total, `  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} in ${(elapsedMs / 1000).toFixed(0)} s`),
      })
      const seconds = (performance.now() - started) / 1000
      line.end(`Seeded in ${seconds.toFixed(1)} s.`)
      seeded = { seconds, at: new Date().toISOString() }
      fs.mkdirSync(BENCH_DIR, { recursive: true })
      const next = readManifest()
      next[manifestKey] = { customers, orders, generator, seed_s: seconds, seeded_at: seeded.at }
      fs.writeFileSync(MANIFEST, `${JSON.stringify(next, null, 2)}\n`)
    }
    await seedStaff(handle.db, auditKey, BENCH_PASSWORD)
    // The bench times searches, not the per-staff lookup rate that would stop one agent searching this fast.
    const unlimited = { value: '1000000000', updated_at: new Date().toISOString(), updated_by: null }
    for (const key of ['searches_per_minute', 'searches_per_hour'])
      await handle.db
        .insertInto('settings')
        .values({ key, ...unlimited })
        .onConflict((oc) => oc.column('key').doUpdateSet(unlimited))
        .execute()
    // The report summaries counted before the server starts, as a store's have long been: its first start would
    // otherwise recount a million customers while the load is measured.
    const counting = performance.now()
    await refreshSummaries(handle.db, { now: new Date(), config: { auditKey } })
    const countedIn = (performance.now() - counting) / 1000
    if (countedIn > 1) console.log(`Counted the report summaries in ${countedIn.toFixed(1)} s.`)
    return {
      url,
      keyFile,
      checkpointFile,
      auditKey,
      customers: await count(handle.db, 'customers'),
      orders: await count(handle.db, 'orders'),
      seedSeconds: seeded?.seconds ?? entry!.seed_s,
      seededAt: seeded?.at ?? entry!.seeded_at,
      seeded: !!seeded,
    }
  } finally {
    await handle.close()
  }
}

/**
 * `count` staff of `role` for the load generator, one a connection as at a call centre's desks: bench-<role>-<i>@example.com,
 * put straight into the tables with the seeded staff member's password hash (as the API's test helper adds staff), so they
 * sign in with the bench password. Answers their emails.
 */
export async function benchStaff(url: string, role: Extract<StaffRole, 'agent' | 'compliance'>, n: number): Promise<string[]> {
  const handle = openDatabase(url)
  try {
    const { password_hash } = await handle.db
      .selectFrom('staff_credentials as c')
      .innerJoin('staff_users as s', 's.id', 'c.staff_id')
      .select('c.password_hash')
      .where('s.email', '=', `${role}@example.com`)
      .executeTakeFirstOrThrow()
    const emails = Array.from({ length: n }, (_, i) => `bench-${role}-${String(i + 1).padStart(3, '0')}@example.com`)
    const at = new Date().toISOString()
    for (const [i, email] of emails.entries()) {
      const found = await handle.db.selectFrom('staff_users').select('id').where('email', '=', email).executeTakeFirst()
      if (found) continue
      const { id } = await handle.db
        .insertInto('staff_users')
        .values({ email, name: `Bench ${role} ${i + 1}`, role, created_at: at, updated_at: at, last_login_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      await handle.db.insertInto('staff_credentials').values({ staff_id: id, password_hash, changed_at: at }).execute()
    }
    return emails
  } finally {
    await handle.close()
  }
}

/**
 * Grows the audit log to `target` entries, chained under the database's key as the server chains them (an agent's
 * searches by customer id), so that the chain check runs over as many entries as the issue's scale asks: one per
 * customer.
 */
export async function topUpAudit(bench: BenchDatabase, target: number): Promise<number> {
  return isPostgresUrl(bench.url) ? topUpAuditPostgres(bench, target) : topUpAuditSqlite(bench, target)
}

/** The filler entry for customer #`customerId`, chained to `prev`. */
const fillerEntry = (bench: BenchDatabase, agentId: number, customerId: number, now: Date, prev: string) =>
  buildAuditEntry(
    bench.auditKey,
    { staff: { id: agentId, role: 'agent' }, ip: '127.0.0.1', now },
    { action: 'customer.search', details: { kind: 'id', results: 1, customers: [customerId], bench: 'filler' } },
    prev,
  )

/** The top-up's progress, and its end with what it added and how long it took. */
function auditProgress(have: number, target: number) {
  const line = progressLine()
  const started = performance.now()
  return {
    show: (done: number) =>
      line.show(done - have, target - have, `  audit log ${done.toLocaleString('en')} / ${target.toLocaleString('en')} entries`),
    end: () => line.end(`  added ${(target - have).toLocaleString('en')} in ${((performance.now() - started) / 1000).toFixed(1)} s`),
  }
}

/** On PostgreSQL: 1,000 entries an insert, 50,000 a transaction, holding the chain's writer lock as the server does. */
async function topUpAuditPostgres(bench: BenchDatabase, target: number): Promise<number> {
  return onDatabase(bench.url, async (db) => {
    const have = await count(db, 'audit_log')
    if (have >= target) return have
    const agent = await db.selectFrom('staff_users').select('id').where('email', '=', 'agent@example.com').executeTakeFirstOrThrow()
    const progress = auditProgress(have, target)
    for (let from = have; from < target; from += 50_000) {
      await db.transaction().execute(async (trx) => {
        await takeWriterLock(trx)
        const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
        let prev = last?.hash ?? GENESIS_HASH
        const now = new Date()
        const to = Math.min(target, from + 50_000)
        for (let i = from; i < to; i += 1_000) {
          const rows = Array.from({ length: Math.min(1_000, to - i) }, (_, k) => {
            const row = fillerEntry(bench, agent.id, 1 + ((i + k) % bench.customers), now, prev)
            prev = row.hash
            return row
          })
          await trx.insertInto('audit_log').values(rows).execute()
        }
      })
      progress.show(Math.min(target, from + 50_000))
    }
    progress.end()
    return target
  })
}

/** On SQLite, straight through better-sqlite3, a batch a transaction; the server must not be running. */
function topUpAuditSqlite(bench: BenchDatabase, target: number): number {
  const sqlite = new SQLite(bench.url)
  try {
    const have = (sqlite.prepare('select count(*) as n from audit_log').get() as { n: number }).n
    if (have >= target) return have
    const agent = sqlite.prepare(`select id from staff_users where email = 'agent@example.com'`).get() as { id: number }
    const last = sqlite.prepare('select hash from audit_log order by id desc limit 1').get() as { hash: string } | undefined
    const progress = auditProgress(have, target)
    let prev = last?.hash ?? GENESIS_HASH
    let insert: SQLite.Statement | null = null
    const batch = sqlite.transaction((from: number, to: number) => {
      const now = new Date()
      for (let i = from; i < to; i++) {
        const row = fillerEntry(bench, agent.id, 1 + (i % bench.customers), now, prev)
        insert ??= sqlite.prepare(
          `insert into audit_log (${Object.keys(row).join(', ')}) values (${Object.keys(row)
            .map((k) => `@${k}`)
            .join(', ')})`,
        )
        insert.run(row)
        prev = row.hash
      }
    })
    for (let i = have; i < target; i += 50_000) {
      batch(i, Math.min(target, i + 50_000))
      progress.show(Math.min(target, i + 50_000))
    }
    progress.end()
    return target
  } finally {
    sqlite.close()
  }
}
