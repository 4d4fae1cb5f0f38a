import { type Kysely, sql } from 'kysely'
import type { Database } from '../database.js'
import type SQLite from 'better-sqlite3'
import type { DatabaseHandle } from '../dialect.js'
import type { NewCustomerCredentials } from '../tables/customer.tables.js'
import { generateCustomer } from './generate.js'
import { refreshPlannerStatistics } from '../sql.js'

export interface SeedProgress {
  done: number
  total: number
  elapsedMs: number
}

export interface SeedOptions {
  count: number
  seed?: number
  /** customers generated at a time (all go in one transaction) */
  batchSize?: number
  /** the id of the first customer made; lets a seed grow a database that already has some */
  firstId?: number
  onProgress?: (p: SeedProgress) => void
}

/** Keep each INSERT under PostgreSQL's bound-parameter limit (65,535). */
const MAX_PARAMETERS = 30_000

/** The tables the seed fills, whose secondary indexes and triggers a SQLite seed sets aside while it inserts. */
const SEEDED_TABLES = ['customers', 'customer_credentials', 'addresses', 'payment_methods', 'orders', 'access_logs'] as const
type SeededTable = (typeof SEEDED_TABLES)[number]
type Insert = (table: SeededTable, rows: object[]) => Promise<void>

/** PostgreSQL: multi-row INSERTs through Kysely, as many rows to a statement as its parameter limit allows. */
function kyselyInsert(trx: Kysely<Database>): Insert {
  return async (table, rows) => {
    if (!rows.length) return
    const size = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]!).length))
    for (let i = 0; i < rows.length; i += size)
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + size) as never)
        .execute()
  }
}

/** SQLite: one statement per table and set of columns, prepared once and run for each row (the Kysely transaction's connection). */
function preparedInsert(sqlite: SQLite.Database): Insert {
  const statements = new Map<string, { columns: string[]; statement: SQLite.Statement }>()
  return async (table, rows) => {
    if (!rows.length) return
    const columns = Object.keys(rows[0]!)
    const key = `${table}(${columns.join()})`
    let prepared = statements.get(key)
    if (!prepared) {
      const names = columns.map((c) => `"${c}"`).join(', ')
      prepared = { columns, statement: sqlite.prepare(`insert into "${table}" (${names}) values (${columns.map(() => '?').join(', ')})`) }
      statements.set(key, prepared)
    }
    for (const row of rows as Record<string, unknown>[]) prepared.statement.run(prepared.columns.map((c) => row[c] ?? null))
  }
}

/**
 * SQLite, for the seed's one transaction of a million customers and their rows: a cache large enough for the indexes it
 * builds; no check of each row's foreign keys (the generator makes them, and they point at rows it made just before); and,
 * where this is the only connection, a rollback journal instead of the write-ahead log, which would take every page of
 * the new rows once and then copy it into the database (a new page needs no journal: a rollback cuts the file back).
 * All three as they were after, whatever happens.
 */
async function bulkLoading<T>({ db, dialect }: Pick<DatabaseHandle, 'db' | 'dialect'>, work: () => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return work()
  const setting = async (pragma: string) => Object.values((await sql.raw(`pragma ${pragma}`).execute(db)).rows[0] as object)[0] as unknown
  const before = { cache: await setting('cache_size'), keys: await setting('foreign_keys'), journal: await setting('journal_mode') }
  try {
    await sql`pragma cache_size = -262144`.execute(db) // 256 MiB
    await sql`pragma foreign_keys = off`.execute(db)
    // SQLite leaves the write-ahead log only when no other connection has the file open (a running server, a backup):
    // then it refuses at once, and the seed goes on in the log.
    await sql`pragma journal_mode = delete`.execute(db).catch((e: unknown) => {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e
    })
    return await work()
  } finally {
    await sql.raw(`pragma journal_mode = ${String(before.journal)}`).execute(db)
    await sql.raw(`pragma foreign_keys = ${Number(before.keys)}`).execute(db)
    await sql.raw(`pragma cache_size = ${Number(before.cache)}`).execute(db)
  }
}

/**
 * Makes `count` customers with their address books, cards, orders, access logs and credentials, in one transaction: a
 * failure or a crash leaves the database as it was, so the next start seeds again rather than finding half a seed.
 * On SQLite the seeded tables' own indexes and triggers are dropped for the inserts and made again at the end, from their
 * definitions in the schema, in the same transaction: building an index from sorted rows is many times quicker than
 * keeping it up to date row by row. The report triggers' marks are then set for the new customers at once.
 */
export async function seedCustomers(
  { db, dialect, sqlite }: Pick<DatabaseHandle, 'db' | 'dialect' | 'sqlite'>,
  { count, seed = 42, batchSize = 2_000, firstId = 1, onProgress }: SeedOptions,
): Promise<SeedProgress> {
  const started = Date.now()
  const progress = () => ({ done: Math.min(done, count), total: count, elapsedMs: Date.now() - started })
  let done = 0
  await bulkLoading({ db, dialect }, () =>
    db.transaction().execute(async (trx) => {
      const setAside =
        dialect === 'sqlite'
          ? (
              await sql<{ type: 'index' | 'trigger'; name: string; sql: string }>`
              select type, name, sql from sqlite_master
              where type in ('index', 'trigger') and sql is not null and tbl_name in (${sql.join([...SEEDED_TABLES])})
              order by type, name`.execute(trx)
            ).rows
          : []
      for (const { type, name } of setAside) await sql`drop ${sql.raw(type)} ${sql.id(name)}`.execute(trx)
      const insert = sqlite ? preparedInsert(sqlite) : kyselyInsert(trx)
      for (let from = firstId; from < firstId + count; from += batchSize) {
        const to = Math.min(from + batchSize, firstId + count)
        const made = Array.from({ length: to - from }, (_, i) => generateCustomer(seed, from + i))
        await insert(
          'customers',
          made.map((m) => m.customer),
        )
        await insert(
          'customer_credentials',
          made.map((m): NewCustomerCredentials => ({
            customer_id: m.customer.id,
            password_hash: m.passwordHash,
            updated_at: m.customer.created_at,
          })),
        )
        await insert(
          'addresses',
          made.flatMap((m) => m.addresses),
        )
        await insert(
          'payment_methods',
          made.flatMap((m) => m.paymentMethods),
        )
        await insert(
          'orders',
          made.flatMap((m) => m.orders),
        )
        await insert(
          'access_logs',
          made.flatMap((m) => m.accessLogs),
        )
        done += to - from
        onProgress?.(progress())
      }
      // Indexes before triggers: a trigger's body may rely on an index being there.
      for (const { sql: definition } of setAside) await sql.raw(definition).execute(trx)
      if (setAside.some((d) => d.type === 'trigger'))
        await sql`insert or ignore into report_dirty (customer_id)
        select id from customers where id >= ${firstId} and id < ${firstId + count}`.execute(trx)
    }),
  )
  if (dialect === 'postgres') {
    // Ids were given explicitly: move the identity past them.
    await sql`select setval(pg_get_serial_sequence('customers', 'id'), (select max(id) from customers))`.execute(db)
  }
  await refreshPlannerStatistics(db, SEEDED_TABLES)
  return progress()
}
