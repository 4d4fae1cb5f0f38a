import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '../dialect.js'
import { migratorFor } from '../migrate.js'
import { seedCustomers } from '../seed/seed-customers.js'

const BEFORE = '2026_11_27_001400_index_family_names_by_id'
const THIS = '2026_11_27_001500_unique_by_own_indexes'
const TABLES = ['customers', 'orders', 'addresses', 'access_logs', 'payment_methods', 'customer_credentials'] as const

describe('emails and order numbers kept unique by indexes of their own (SQLite)', () => {
  let dir: string
  let h: DatabaseHandle
  afterEach(async () => {
    await h.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  /** A new database migrated up to `migration`, with `customers` seeded; answers its migrator. */
  const databaseAt = async (migration: string, customers: number) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-unique-'))
    h = openDatabase(path.join(dir, 'db.sqlite'))
    const migrator = await migratorFor(h.db)
    expect((await migrator.migrateTo(migration)).error).toBeUndefined()
    await seedCustomers(h, { count: customers, seed: 7 })
    return migrator
  }

  const schema = async () =>
    (
      await sql<{ type: string; name: string }>`select type, name from sqlite_master
        where tbl_name in ('customers', 'orders') and type in ('index', 'trigger') order by type, name`.execute(h.db)
    ).rows.map((r) => `${r.type} ${r.name}`)
  const everything = async () =>
    Promise.all(
      TABLES.map((t) =>
        h.db
          .selectFrom(t)
          .selectAll()
          .orderBy(sql`rowid`)
          .execute(),
      ),
    )
  const counters = async () =>
    (await sql`select name, seq from sqlite_sequence where name in ('customers', 'orders') order by name`.execute(h.db)).rows
  const addOrder = (number: string) =>
    h.db
      .insertInto('orders')
      .values({ customer_id: 1, number, placed_at: '2026-11-01T00:00:00.000Z', status: 'paid', total_cents: 100, currency: 'USD' })
      .returning('id')
      .executeTakeFirstOrThrow()
  const addCustomer = (email: string) =>
    h.db.insertInto('customers').values({ email, created_at: '2026-11-01T00:00:00.000Z' }).returning('id').executeTakeFirstOrThrow()

  it('makes both tables again with every row, id, id counter, index and trigger, keeps them unique, and touches no row that refers to them', async () => {
    const migrator = await databaseAt(BEFORE, 40)
    // the last of each deleted: their ids must not be given again
    const lastOrder = (await addOrder('TM-LAST')).id
    await h.db.deleteFrom('orders').where('id', '=', lastOrder).execute()
    const lastCustomer = (await addCustomer('last@example.com')).id
    await h.db.deleteFrom('customers').where('id', '=', lastCustomer).execute()
    const rows = await everything()
    const before = await schema()
    const ids = await counters()
    expect(before).toEqual(expect.arrayContaining(['index sqlite_autoindex_customers_1', 'index sqlite_autoindex_orders_1']))

    expect((await migrator.migrateTo(THIS)).error).toBeUndefined()
    // dropping the old customers table deleted no address, order or log, and set no order's customer to null
    expect(await everything()).toEqual(rows)
    expect(await counters()).toEqual(ids)
    expect(await schema()).toEqual(
      [
        ...before.filter((d) => !d.startsWith('index sqlite_autoindex_')),
        'index customers_email_unique',
        'index orders_number_unique',
      ].sort(),
    )
    expect(await h.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1)
    expect((await sql`pragma integrity_check`.execute(h.db)).rows).toEqual([{ integrity_check: 'ok' }])
    await expect(addOrder(rows[1]![0]!.number as string)).rejects.toThrow(/UNIQUE constraint failed: orders\.number/)
    await expect(addCustomer(rows[0]![0]!.email as string)).rejects.toThrow(/UNIQUE constraint failed: customers\.email/)
    expect((await addOrder('TM-NEXT')).id).toBe(lastOrder + 1)
    expect((await addCustomer('next@example.com')).id).toBe(lastCustomer + 1)
    // the triggers are back: a new order marks its customer for recounting, and foreign keys hold again
    expect((await sql`select 1 from report_dirty where customer_id = 1`.execute(h.db)).rows).toHaveLength(1)
    await expect(
      h.db.insertInto('addresses').values({ customer_id: 999_999, line1: 'x', city: 'x', country: 'GB', is_default: 0 }).execute(),
    ).rejects.toThrow(/FOREIGN KEY/)

    // down and up again give the same rows each way
    const after = await everything()
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined()
    expect(await schema()).toEqual(before)
    expect(await everything()).toEqual(after)
    expect((await migrator.migrateTo(THIS)).error).toBeUndefined()
    expect(await everything()).toEqual(after)
  })

  it('does nothing when its work is already on file (a crash before the migrator recorded it)', async () => {
    const migrator = await databaseAt(THIS, 10)
    const rows = await everything()
    const before = await schema()
    await sql`delete from kysely_migration where name = ${THIS}`.execute(h.db)
    expect((await migrator.migrateTo(THIS)).error).toBeUndefined()
    expect(await everything()).toEqual(rows)
    expect(await schema()).toEqual(before)
  })

  it('leaves everything as it was when it fails part way', async () => {
    const migrator = await databaseAt(BEFORE, 10)
    // an order whose customer is gone (written while foreign keys were off): the migration must not carry it over
    h.sqlite!.pragma('foreign_keys = off')
    await addOrder('TM-ORPHAN').then(({ id }) => h.db.updateTable('orders').set({ customer_id: 999 }).where('id', '=', id).execute())
    h.sqlite!.pragma('foreign_keys = on')
    const rows = await everything()
    const before = await schema()
    expect((await migrator.migrateTo(THIS)).error).toBeDefined()
    expect(await everything()).toEqual(rows)
    expect(await schema()).toEqual(before)
    expect(await h.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1)
  })
})
