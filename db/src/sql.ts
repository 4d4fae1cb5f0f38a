import { type Expression, type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely'

/** Dialect differences that queries need, kept here in db/ (STACK.md). */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** `YYYY-MM` of a time column, in UTC. */
export function yearMonth(db: Kysely<any>, column: Expression<string>): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM')` : sql<string>`substr(${column}, 1, 7)`
}

/** A phone number as bare digits: the expression the phone index is built on. */
export const phoneDigits = sql<string>`replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', '')`

/**
 * The national number of a phone stored as `+<country calling code> <national number>` (the store's format), as bare
 * digits: what a caller gives without the country code. Null for a phone not written that way, which is then found by
 * its international form only, never by a part of it.
 */
export function phoneNationalDigits(db: Kysely<any>): RawBuilder<string | null> {
  const space = isPostgres(db) ? sql`strpos(phone, ' ')` : sql`instr(phone, ' ')`
  const digits = sql`replace(replace(replace(replace(substr(phone, ${space} + 1), ' ', ''), '-', ''), '(', ''), ')', '')`
  // `+` and a code of one to three digits, then the space.
  return sql<string | null>`case when phone like '+%' and ${space} between 3 and 5 then ${digits} end`
}

/** The last eight digits of the phone: what the phone index holds, the same text in the query as in the index. */
export function phoneTail(db: Kysely<any>): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`right(${phoneDigits}, 8)` : sql<string>`substr(${phoneDigits}, -8)`
}

/**
 * Locks the rows a transaction reads to decide on a write: `FOR UPDATE` on PostgreSQL. SQLite has no row locks and needs
 * none, since a write transaction there holds the only connection.
 */
export function lockForUpdate<Q extends { forUpdate(): Q }>(db: Kysely<any>, query: Q): Q {
  return isPostgres(db) ? query.forUpdate() : query
}

/**
 * Orders the transactions that write: on PostgreSQL a transaction lock on the audit chain, which every write needs
 * before it appends its entry; taken first, it orders the row locks taken after it, so no two transactions can each
 * hold what the other waits for. SQLite has one writer already.
 */
export async function takeWriterLock(trx: Kysely<any>): Promise<void> {
  if (!isPostgres(trx) || holdingWriterLock.has(trx)) return
  await sql`select pg_advisory_xact_lock(hashtext('verity.audit_log'))`.execute(trx)
  // Held until this transaction ends: its audit entry need not ask again (a round trip while every writer waits).
  if (trx.isTransaction) holdingWriterLock.add(trx)
}
const holdingWriterLock = new WeakSet<Kysely<any>>()

/** Makes writes to `table` wait until this transaction ends, so all it reads there stays true (SQLite: one writer already). */
export async function holdAgainstWrites(trx: Kysely<any>, table: string): Promise<void> {
  if (isPostgres(trx)) await sql`lock table ${sql.table(table)} in share mode`.execute(trx)
}

/**
 * Runs `work` (migrations, the first seed) while no other process does the same on this database: on PostgreSQL
 * instances started together take turns on a session lock, and each finds what the one before it did. A SQLite file
 * is prepared by one process (worker processes wait for their primary). The lock holds one of the pool's connections
 * while `work` runs on others, so the pool needs two at least.
 */
export async function oneAtATime<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return work()
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('verity.startup'))`.execute(conn)
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(hashtext('verity.startup'))`.execute(conn)
    }
  })
}

/**
 * After a bulk load: PostgreSQL's planner statistics for `tables`, which autovacuum would gather only later (or never,
 * where it is off). Without them it knows nothing of an expression index's values (`lower(email)`) and may read a million
 * customers in id order to find one email. SQLite's plans need no statistics here.
 */
export async function refreshPlannerStatistics(db: Kysely<any>, tables: readonly string[]): Promise<void> {
  if (isPostgres(db)) for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db)
}

/**
 * After an erasure: on SQLite, copies the write-ahead log into the database and empties it, so that the erased values,
 * overwritten in the database (secure_delete), are not left in the log either. PostgreSQL reclaims old row versions by vacuum.
 * A reader can hold the copy back: SQLite waits for it (busy_timeout), then answers busy rather than failing; the copy is
 * tried three times, and a log that still will not empty is an error for the caller to report.
 */
export async function flushErasedValues(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return
  for (let attempt = 0; ; attempt++) {
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db)
    if (!rows[0]?.busy) return
    if (attempt === 2) throw new Error('The write-ahead log could not be emptied: a reader kept it in use')
  }
}

/**
 * Rewrites a SQLite database from its live rows (VACUUM), then empties the log. secure_delete zeroes deleted rows, but not
 * the copies SQLite leaves in a page's unused space when it moves rows between pages; only a rewrite clears those
 * (docs/decisions/0016-erased-values-in-the-files.md). Every write waits while it runs. On PostgreSQL it does nothing and
 * answers false: there, its own vacuum reclaims dead row versions.
 */
export async function compactDatabase(db: Kysely<any>): Promise<boolean> {
  if (isPostgres(db)) return false
  await sql`vacuum`.execute(db)
  await flushErasedValues(db)
  return true
}
