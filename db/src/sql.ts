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
 * After an erasure: on SQLite, copies the write-ahead log into the database and empties it, so that the erased values,
 * overwritten in the database (secure_delete), are not left in the log either. PostgreSQL reclaims old row versions by vacuum.
 */
export async function flushErasedValues(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db)
}
