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

/** The PostgreSQL server of these machines, for the dialect's own tests. */
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
