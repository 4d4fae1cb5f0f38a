import { openDatabase, type DatabaseHandle } from './dialect.js'
import { migrateToLatest } from './migrate.js'
import { seedCustomers } from './seed/seed-customers.js'

/** A fresh, migrated in-memory database per test; optionally with a few seeded customers. */
export async function createTestDatabase({ customers = 0 }: { customers?: number } = {}): Promise<DatabaseHandle> {
  const handle = openDatabase(':memory:')
  await migrateToLatest(handle.db)
  if (customers) await seedCustomers(handle, { count: customers, seed: 7 })
  return handle
}

/** The PostgreSQL server of these machines, for the dialect's own tests. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
