import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, type KyselyConfig, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './database.js'
import { GroupCommitDialect } from './group-commit.js'

export type DialectName = 'sqlite' | 'postgres'

export interface DatabaseHandle {
  db: Kysely<Database>
  dialect: DialectName
  /** a SQLite file path or a PostgreSQL URL, as given */
  url: string
  /** SQLite's own connection, the one Kysely runs on: for work that prepares a statement once and runs it a million times (the seed) */
  sqlite?: SQLite.Database
  close(): Promise<void>
}

export const DEFAULT_DATABASE_URL = 'data/verity.sqlite'

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url)
}

// PostgreSQL answers timestamptz as Date and bigint (counts) as string; make both look as they do in SQLite.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString())
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))

export interface OpenOptions extends Pick<KyselyConfig, 'log'> {
  /** connections this process keeps to PostgreSQL (README, "PostgreSQL and several instances") */
  poolSize?: number
}

/**
 * The one place that chooses a dialect: `postgres://…` for PostgreSQL, anything else is a SQLite file (or `:memory:`).
 * `log` sees every query (the benchmark records a search's statements with it).
 */
export function openDatabase(url: string = DEFAULT_DATABASE_URL, { log, poolSize = 10 }: OpenOptions = {}): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: poolSize })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log })
    return { db, dialect: 'postgres', url, close: () => db.destroy() }
  }
  if (url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true })
  const sqlite = new SQLite(url)
  sqlite.pragma('journal_mode = WAL')
  // Acknowledged writes are durable (docs/design.md promise 10): NORMAL in WAL mode may lose the last commits on a power cut.
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  // Deleted rows are overwritten, not left in free pages: an erased customer's values do not linger in the file.
  sqlite.pragma('secure_delete = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Many requests' transactions share one commit, so durability costs one fsync per batch (docs/decisions/0017).
  const db = new Kysely<Database>({ dialect: new GroupCommitDialect({ database: sqlite }), log })
  return { db, dialect: 'sqlite', url, sqlite, close: () => db.destroy() }
}
