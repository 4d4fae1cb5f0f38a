import type { Database } from '@verity/db'
import type { Kysely, Transaction } from 'kysely'

export type Trx = Transaction<Database>

/**
 * The one way a service opens a transaction. Whatever a step checks (a status, a counter, a lock) is read inside the
 * callback, and its write is conditional, so parallel requests give one effect (DESIGN.md promise 10).
 * On SQLite, Kysely's driver holds the single connection for the whole transaction, so transactions of one process run
 * one after another; on PostgreSQL, rows read to decide are locked with `lockForUpdate` (db/).
 */
export function inTransaction<T>(db: Kysely<Database>, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work)
}
