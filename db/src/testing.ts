import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { openDatabase, type DatabaseHandle, type DialectName } from './dialect.js'
import { migrateToLatest } from './migrate.js'
import { seedCustomers } from './seed/seed-customers.js'

/**
 * A fresh, migrated database per test; optionally with a few seeded customers. On SQLite it lives in memory; on
 * PostgreSQL (TEST_POSTGRES_URL) it is a schema of its own, made here and dropped by `close()`.
 */
export async function createTestDatabase({
  customers = 0,
  dialect = 'sqlite',
}: { customers?: number; dialect?: DialectName } = {}): Promise<DatabaseHandle> {
  const handle = dialect === 'postgres' ? await scratchPostgres('verity_test') : openDatabase(':memory:')
  try {
    await migrateToLatest(handle.db)
    if (customers) await seedCustomers(handle, { count: customers, seed: 7 })
  } catch (e) {
    await handle.close()
    throw e
  }
  return handle
}

/** The database PostgreSQL tests use: the run's own (set by `postgres-test-run.ts`), else the machine's `test` database. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** An empty schema on TEST_POSTGRES_URL, named so that concurrent test processes never share one; `close()` drops it. */
async function scratchPostgres(prefix: string): Promise<DatabaseHandle> {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = openDatabase(TEST_POSTGRES_URL)
  try {
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  } finally {
    await admin.close()
  }
  const handle = openDatabase(`${TEST_POSTGRES_URL}?options=-c%20search_path%3D${schema}`)
  return {
    ...handle,
    close: async () => {
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db)
      } finally {
        await handle.close()
      }
    },
  }
}

/**
 * Takes away the audit log's append-only guard, as someone with the table owner's rights could: for the tests of what
 * the chain check catches when entries are edited or deleted behind the application's back.
 */
export async function unguardAuditLog({ db, dialect }: Pick<DatabaseHandle, 'db' | 'dialect'>) {
  if (dialect === 'postgres') {
    await sql`drop trigger if exists audit_log_no_update on audit_log`.execute(db)
    return
  }
  await sql`drop trigger if exists audit_log_no_update`.execute(db)
  await sql`drop trigger if exists audit_log_no_delete`.execute(db)
}

/** The names of the tables Verity's migrations made, on either dialect (tests that look through every table). */
export async function tableNames({ db, dialect }: Pick<DatabaseHandle, 'db' | 'dialect'>): Promise<string[]> {
  const tables =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
          db,
        )
  return tables.rows.map((t) => t.name)
}

/** Makes every update of `table` fail with `message`, as a fault half-way through a transaction would (either dialect). */
export async function failUpdatesOf({ db, dialect }: Pick<DatabaseHandle, 'db' | 'dialect'>, table: string, message: string) {
  const trigger = sql.id(`fail_updates_of_${table}`)
  if (dialect === 'sqlite') {
    await sql`create trigger ${trigger} before update on ${sql.table(table)} begin select raise(abort, ${sql.lit(message)}); end`.execute(
      db,
    )
    return
  }
  await sql`create function ${trigger}() returns trigger language plpgsql as ${sql.lit(`begin raise exception '%', '${message.replace(/'/g, "''")}'; end`)}`.execute(
    db,
  )
  await sql`create trigger ${trigger} before update on ${sql.table(table)} for each row execute function ${trigger}()`.execute(db)
}
