import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DatabaseHandle } from './dialect.js'
import { migrateToLatest } from './migrate.js'
import { seedCustomers } from './seed/seed-customers.js'
import { yearMonth } from './sql.js'
import { createTestDatabase, TEST_POSTGRES_URL } from './testing.js'

const auditRow = {
  at: '2026-11-27T00:00:00.000Z',
  actor_id: null,
  actor_role: null,
  action: 'test',
  entity_type: null,
  entity_id: null,
  customer_id: null,
  ip: null,
  details: '{}',
  prev_hash: '0'.repeat(64),
  hash: 'a'.repeat(64),
}

describe('SQLite', () => {
  it('migrates from empty with foreign keys on and the audit log append-only', async () => {
    const h = await createTestDatabase({ customers: 3 })
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(h.db)).rows[0]!.foreign_keys).toBe(1)
    await h.db.insertInto('audit_log').values(auditRow).execute()
    await expect(h.db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/)
    await expect(h.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/)
    await expect(h.db.insertInto('addresses').values({ customer_id: 999, is_default: 0 }).execute()).rejects.toThrow(/FOREIGN KEY/)
    await h.close()
  })
})

// The PostgreSQL server of these machines (docs/design.md's scale-out dialect); CI has it too.
describe('PostgreSQL', () => {
  let h: DatabaseHandle
  const schema = `verity_test_${process.pid}`
  beforeAll(async () => {
    const admin = openDatabase(TEST_POSTGRES_URL)
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await admin.close()
    h = openDatabase(`${TEST_POSTGRES_URL}?options=-c%20search_path%3D${schema}`)
    await migrateToLatest(h.db)
  })
  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(h.db)
    await h.close()
  })

  it('migrates, seeds and reads back the same data as SQLite', async () => {
    await seedCustomers(h, { count: 40, seed: 7 })
    const lite = await createTestDatabase({ customers: 40 })
    const pgRows = await h.db.selectFrom('customers').selectAll().orderBy('id').execute()
    const liteRows = await lite.db.selectFrom('customers').selectAll().orderBy('id').execute()
    expect(pgRows).toEqual(liteRows)
    const { n } = await h.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(typeof n).toBe('number')
    const month = await h.db
      .selectFrom('customers')
      .select(yearMonth(h.db, sql.ref('created_at')).as('m'))
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
    expect(month.m).toBe(liteRows[0]!.created_at.slice(0, 7))
    // ids given by the seed leave the identity ready for the next insert
    const { id } = await h.db
      .insertInto('customers')
      .values({ ...liteRows[0]!, id: undefined, email: 'new@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow()
    expect(id).toBe(41)
    await lite.close()
  })

  it('refuses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    await h.db.insertInto('audit_log').values(auditRow).execute()
    await expect(h.db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/)
    await expect(h.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/)
    await expect(sql`truncate audit_log`.execute(h.db)).rejects.toThrow(/append-only/)
  })
})
