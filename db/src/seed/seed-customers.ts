import os from 'node:os'
import { type Kysely, sql } from 'kysely'
import type { Database } from '../database.js'
import type SQLite from 'better-sqlite3'
import type { DatabaseHandle } from '../dialect.js'
import type { NewCustomerCredentials } from '../tables/customer.tables.js'
import { generateCustomer } from './generate.js'
import { isPostgres, refreshPlannerStatistics } from '../sql.js'

export interface SeedProgress {
  done: number
  total: number
  elapsedMs: number
}

export interface SeedOptions {
  count: number
  seed?: number
  /**
   * customers generated at a time (all go in one transaction). On SQLite a small batch is quicker (its rows die young,
   * which the garbage collector finds cheapest); on PostgreSQL a large one (one multi-row statement for many rows).
   */
  batchSize?: number
  /**
   * the orders these customers have in all: the generator makes about 2.4 a customer, and copies of those, each placed
   * a month (two, …) earlier with a number of its own, make up the rest
   */
  orders?: number
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

/**
 * Rows to an INSERT on SQLite: enough to share a statement's fixed cost (a run from JavaScript, the table's autoincrement
 * counter), few enough to bind quickly. At a million customers the inserts took 22 s so, 29 s a row at a time; on the
 * access logs alone 10 to 25 rows were quickest.
 */
const ROWS_PER_STATEMENT = 16

/** SQLite: statements for `ROWS_PER_STATEMENT` rows and for one, per table and set of columns, prepared once. */
function preparedInsert(sqlite: SQLite.Database): Insert {
  const statements = new Map<string, { many: SQLite.Statement; one: SQLite.Statement }>()
  const prepare = (table: SeededTable, columns: string[]) => {
    const names = columns.map((c) => `"${c}"`).join(', ')
    const row = `(${columns.map(() => '?').join(', ')})`
    const insert = (n: number) => sqlite.prepare(`insert into "${table}" (${names}) values ${Array<string>(n).fill(row).join(', ')}`)
    return { many: insert(ROWS_PER_STATEMENT), one: insert(1) }
  }
  return async (table, rows) => {
    if (!rows.length) return
    const columns = Object.keys(rows[0]!)
    const key = `${table}(${columns.join()})`
    const { many, one } = statements.get(key) ?? statements.set(key, prepare(table, columns)).get(key)!
    const values = (from: number, to: number) => {
      const list: unknown[] = []
      for (let i = from; i < to; i++) for (const c of columns) list.push((rows[i] as Record<string, unknown>)[c] ?? null)
      return list
    }
    let i = 0
    for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) many.run(values(i, i + ROWS_PER_STATEMENT))
    for (; i < rows.length; i++) one.run(values(i, i + 1))
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
  const before = {
    cache: await setting('cache_size'),
    keys: await setting('foreign_keys'),
    journal: await setting('journal_mode'),
    threads: await setting('threads'),
  }
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
    await sql.raw(`pragma threads = ${Number(before.threads)}`).execute(db)
  }
}

/**
 * SQLite's sorter, which builds an index, sorts runs as large as the cache and merges them: after the inserts, a smaller
 * cache and a thread a core sort the runs side by side. At a million customers the access logs' dates took 3.9 s with
 * the inserts' 256 MiB cache, 2.1 s so.
 */
async function sortingForIndexes(trx: Kysely<Database>) {
  await sql`pragma cache_size = -32768`.execute(trx) // 32 MiB
  await sql.raw(`pragma threads = ${os.availableParallelism()}`).execute(trx)
}

/** `placed_at` `months` earlier, in the column's own form on either dialect. */
const monthsEarlier = (db: Kysely<Database>, months: number) =>
  isPostgres(db)
    ? sql`placed_at - make_interval(months => ${months})`
    : sql`strftime('%Y-%m-%dT%H:%M:%fZ', placed_at, ${`-${months} months`})`

/** The highest order id so far (0 for none). */
async function lastOrderId(trx: Kysely<Database>) {
  const { last } = await trx
    .selectFrom('orders')
    .select((eb) => eb.fn.max('id').as('last'))
    .executeTakeFirstOrThrow()
  return Number(last ?? 0)
}

/**
 * Copies the `made` orders after id `after` until there are `target` in all: round r copies them (as far as needed)
 * r months earlier, with `-B<r>` after the number.
 */
async function copyOrders(trx: Kysely<Database>, { after, made, target }: { after: number; made: number; target: number }) {
  for (let round = 1, n = made; made && n < target; round++) {
    const take = Math.min(target - n, made)
    await sql`insert into orders (customer_id, number, placed_at, status, total_cents, currency, ship_name, ship_address, ship_phone, ship_country)
      select customer_id, number || ${`-B${round}`}, ${monthsEarlier(trx, round)},
        status, total_cents, currency, ship_name, ship_address, ship_phone, ship_country
      from orders where id > ${after} order by id limit ${take}`.execute(trx)
    n += take
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
  { count, seed = 42, batchSize = dialect === 'sqlite' ? 200 : 2_000, firstId = 1, orders = 0, onProgress }: SeedOptions,
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
      const ordersBefore = await lastOrderId(trx)
      let ordersMade = 0
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
        const madeOrders = made.flatMap((m) => m.orders)
        await insert('orders', madeOrders)
        ordersMade += madeOrders.length
        await insert(
          'access_logs',
          made.flatMap((m) => m.accessLogs),
        )
        done += to - from
        onProgress?.(progress())
      }
      await copyOrders(trx, { after: ordersBefore, made: ordersMade, target: orders })
      if (dialect === 'sqlite') await sortingForIndexes(trx)
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
