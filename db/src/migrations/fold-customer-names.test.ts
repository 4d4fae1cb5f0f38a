import { type Kysely, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '../dialect.js'
import { isPostgres } from '../sql.js'
import { migratorFor } from '../migrate.js'
import { TEST_POSTGRES_URL } from '../testing.js'

const BEFORE = '2026_11_27_000400_add_legal_process'
// More customers than one backfill batch (5,000), so that the batches meet; names in several scripts and widths.
const COUNT = 12_345
const NAMES = [
  ['Élodie', 'Richard', 'elodie', 'richard'],
  ['ＬＥＡ', 'MÜLLER', 'lea', 'muller'],
  ['伟', '王', '伟', '王'],
  [null, null, null, null],
] as const

async function indexesOfCustomers(db: Kysely<any>): Promise<string[]> {
  const rows = isPostgres(db)
    ? await sql<{
        name: string
      }>`select indexname as name from pg_indexes where tablename = 'customers' and schemaname = current_schema()`.execute(db)
    : await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'customers'`.execute(db)
  return rows.rows.map((r) => r.name)
}

async function columnsOfCustomers(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables()
  return tables.find((t) => t.name === 'customers')!.columns.map((c) => c.name)
}

/** Customers written before the migration, as the store's systems wrote them: names only. */
async function insertCustomers(db: Kysely<any>) {
  const rows = Array.from({ length: COUNT }, (_, i) => {
    const [first, last] = NAMES[i % NAMES.length]!
    return { id: i + 1, first_name: first, last_name: last, email: `c${i + 1}@example.com`, created_at: '2026-01-01T00:00:00.000Z' }
  })
  for (let i = 0; i < rows.length; i += 2_000)
    await db
      .insertInto('customers')
      .values(rows.slice(i, i + 2_000))
      .execute()
}

async function foldsAndUnfolds(db: Kysely<any>) {
  const migrator = await migratorFor(db)
  expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined()
  await insertCustomers(db)
  expect(await indexesOfCustomers(db)).toContain('customers_name_idx')

  expect((await migrator.migrateToLatest()).error).toBeUndefined()
  const rows = await db.selectFrom('customers').select(['id', 'first_name_folded', 'last_name_folded']).orderBy('id').execute()
  expect(rows).toHaveLength(COUNT)
  for (const r of rows) {
    const [, , first, last] = NAMES[(r.id - 1) % NAMES.length]!
    expect([r.id, r.first_name_folded, r.last_name_folded]).toEqual([r.id, first, last])
  }
  const indexes = await indexesOfCustomers(db)
  expect(indexes).toEqual(expect.arrayContaining(['customers_name_folded_idx', 'customers_first_name_folded_idx']))
  expect(indexes).not.toContain('customers_name_idx')
  expect(indexes).not.toContain('customers_first_name_idx')

  expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined()
  expect(await columnsOfCustomers(db)).not.toContain('first_name_folded')
  expect(await indexesOfCustomers(db)).toEqual(expect.arrayContaining(['customers_name_idx', 'customers_first_name_idx']))
  expect((await migrator.migrateToLatest()).error).toBeUndefined()
  expect(await columnsOfCustomers(db)).toEqual(expect.arrayContaining(['first_name_folded', 'last_name_folded']))
}

describe('migration fold_customer_names', () => {
  const handles: DatabaseHandle[] = []
  afterAll(async () => {
    for (const h of handles) await h.close()
  })

  it('folds the names already on file and swaps the name indexes, and back (SQLite)', async () => {
    const h = openDatabase(':memory:')
    handles.push(h)
    await foldsAndUnfolds(h.db)
  })

  it('folds the names already on file and swaps the name indexes, and back (PostgreSQL)', async () => {
    const schema = `verity_fold_${process.pid}`
    const admin = openDatabase(TEST_POSTGRES_URL)
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    const h = openDatabase(`${TEST_POSTGRES_URL}?options=-c%20search_path%3D${schema}`)
    handles.push(h)
    try {
      await foldsAndUnfolds(h.db)
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    }
  })
})
