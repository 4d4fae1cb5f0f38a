import { type Database, takeWriterLock } from '@verity/db'
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
 * On SQLite, the driver holds the single connection for the whole transaction, so transactions of one process run
 * one after another, and answers once the transaction's group commit has made it durable (docs/decisions/0017). On
 * PostgreSQL each transaction first takes the writer lock (`takeWriterLock`, db/).
 * Throwing rolls everything back; returning `refuseAfterCommit(error)` keeps what was written and then refuses.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Trx) => Promise<T>): Promise<Exclude<T, CommittedRefusal>> {
  const result = await db.transaction().execute(async (trx) => {
    await takeWriterLock(trx)
    return work(trx)
  })
  if (result instanceof CommittedRefusal) throw result.error
  return result as Exclude<T, CommittedRefusal>
}
