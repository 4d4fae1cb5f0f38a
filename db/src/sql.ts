import { type Expression, type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely'

/** Dialect differences that queries need, kept here in db/ (STACK.md). */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** `YYYY-MM` of a time column, in UTC. */
export function yearMonth(db: Kysely<any>, column: Expression<string>): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM')` : sql<string>`substr(${column}, 1, 7)`
}
