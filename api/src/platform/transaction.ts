import type { Database } from '@verity/db'
import type { Kysely, Transaction } from 'kysely'
import type { AppError } from './errors.js'

export type Trx = Transaction<Database>

/** A refusal whose record must stand (a failure counted, a flag raised): the transaction commits, then the error is thrown. */
export class CommittedRefusal {
  constructor(readonly error: AppError) {}
}
export const refuseAfterCommit = (error: AppError) => new CommittedRefusal(error)

/**
 * The one way a service opens a transaction. Whatever a step checks (a status, a counter, a lock) is read inside the
 * callback, and its write is conditional, so parallel requests give one effect (docs/design.md promise 10).
 * On SQLite, Kysely's driver holds the single connection for the whole transaction, so transactions of one process run
 * one after another; on PostgreSQL, rows read to decide are locked with `lockForUpdate` (db/).
 * Throwing rolls everything back; returning `refuseAfterCommit(error)` keeps what was written and then refuses.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Trx) => Promise<T>): Promise<Exclude<T, CommittedRefusal>> {
  const result = await db.transaction().execute(work)
  if (result instanceof CommittedRefusal) throw result.error
  return result as Exclude<T, CommittedRefusal>
}
