import { type DatabaseHandle, flushErasedValues, migrateToLatest, oneAtATime, openDatabase, seedCustomers } from '@verity/db'
import type { Env } from './env.js'
import { SEED_STAFF, seedStaff } from './modules/staff/staff.seed.js'

/** Opens the database, migrates it and, when empty, seeds the demo staff and customers. */
export async function prepareDatabase(env: Env, auditKey: Uint8Array, log: (line: string) => void = console.log): Promise<DatabaseHandle> {
  const handle = openDatabase(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE })
  // An erasure flushes its erased values out of the write-ahead log after it commits (promise 5); a crash in between
  // would leave them in the files until the next erasure, so every start flushes too.
  await flushErasedValues(handle.db)
  // Instances started together on one PostgreSQL database migrate and seed once, in turn.
  await oneAtATime(handle.db, () => migrateAndSeed(handle, env, auditKey, log))
  return handle
}

async function migrateAndSeed(handle: DatabaseHandle, env: Env, auditKey: Uint8Array, log: (line: string) => void) {
  const applied = await migrateToLatest(handle.db)
  if (applied.length) log(`Migrated ${handle.dialect} database: ${applied.join(', ')}`)

  const staff = await seedStaff(handle.db, auditKey, env.SEED_STAFF_PASSWORD)
  if (staff) {
    log(`Seeded staff: ${SEED_STAFF.map((s) => s.email).join(', ')}`)
    if (staff.generated) log(`Their password (shown this once; set SEED_STAFF_PASSWORD to choose it): ${staff.password}`)
  }

  const anyCustomer = await handle.db.selectFrom('customers').select('id').limit(1).executeTakeFirst()
  if (!anyCustomer && env.SEED_CUSTOMERS > 0) {
    log(`Seeding ${env.SEED_CUSTOMERS.toLocaleString('en')} demo customers…`)
    const done = await seedCustomers(handle, {
      count: env.SEED_CUSTOMERS,
      onProgress: (p) => {
        if (p.done === p.total || p.done % 50_000 === 0) log(`  ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')}`)
      },
    })
    log(`Seeded ${done.done.toLocaleString('en')} customers in ${(done.elapsedMs / 1000).toFixed(1)} s`)
  }
}
