import { type Kysely, sql } from 'kysely'
import type { Database } from '../database.js'
import type { DialectName } from '../dialect.js'
import type { NewCustomerCredentials } from '../tables/customer.tables.js'
import { generateCustomer } from './generate.js'

export interface SeedProgress {
  done: number
  total: number
  elapsedMs: number
}

export interface SeedOptions {
  count: number
  seed?: number
  /** customers per transaction */
  batchSize?: number
  /** the id of the first customer made; lets a seed grow a database that already has some */
  firstId?: number
  onProgress?: (p: SeedProgress) => void
}

/** Keep each INSERT under both SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits. */
const MAX_PARAMETERS = 30_000

/** Inserts rows in statements small enough for both dialects; `insert` is typed by the table it writes. */
async function insertChunked<R extends object>(rows: R[], insert: (chunk: R[]) => Promise<unknown>): Promise<void> {
  if (!rows.length) return
  const perRow = Object.keys(rows[0]!).length
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / perRow))
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

/**
 * Makes `count` customers with their address books, cards, orders, access logs and credentials,
 * one transaction per batch, so that a failure loses at most the batch under way and a million stay reachable.
 */
export async function seedCustomers(
  db: Kysely<Database>,
  dialect: DialectName,
  { count, seed = 42, batchSize = 2_000, firstId = 1, onProgress }: SeedOptions,
): Promise<SeedProgress> {
  const started = Date.now()
  const progress = () => ({ done: Math.min(done, count), total: count, elapsedMs: Date.now() - started })
  let done = 0
  for (let from = firstId; from < firstId + count; from += batchSize) {
    const to = Math.min(from + batchSize, firstId + count)
    const made = Array.from({ length: to - from }, (_, i) => generateCustomer(seed, from + i))
    await db.transaction().execute(async (trx) => {
      const credentials: NewCustomerCredentials[] = made.map((m) => ({
        customer_id: m.customer.id,
        password_hash: m.passwordHash,
        updated_at: m.customer.created_at,
      }))
      await insertChunked(
        made.map((m) => m.customer),
        (rows) => trx.insertInto('customers').values(rows).execute(),
      )
      await insertChunked(credentials, (rows) => trx.insertInto('customer_credentials').values(rows).execute())
      await insertChunked(
        made.flatMap((m) => m.addresses),
        (rows) => trx.insertInto('addresses').values(rows).execute(),
      )
      await insertChunked(
        made.flatMap((m) => m.paymentMethods),
        (rows) => trx.insertInto('payment_methods').values(rows).execute(),
      )
      await insertChunked(
        made.flatMap((m) => m.orders),
        (rows) => trx.insertInto('orders').values(rows).execute(),
      )
      await insertChunked(
        made.flatMap((m) => m.accessLogs),
        (rows) => trx.insertInto('access_logs').values(rows).execute(),
      )
    })
    done += to - from
    onProgress?.(progress())
  }
  if (dialect === 'postgres') {
    // Ids were given explicitly: move the identity past them.
    await sql`select setval(pg_get_serial_sequence('customers', 'id'), (select max(id) from customers))`.execute(db)
  }
  return progress()
}
