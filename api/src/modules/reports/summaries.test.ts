/**
 * The report summaries always equal a fresh count from the base tables: after inserts, edits, erasures, orders placed,
 * cancelled, moved and deleted, birthdays passing and a new record key, on SQLite and on PostgreSQL.
 */
import { type Database, type DatabaseHandle, yearMonth } from '@verity/db'
import { createTestDatabase } from '@verity/db/testing'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_AUDIT_KEY } from '../../testing.js'
import { inTransaction } from '../../platform/transaction.js'
import { executeErasure } from '../requests/erasure.js'
import { ageBand } from './age-bands.js'
import { recordKeys } from './cell-key.js'
import { NOT_SALES, periodsOf, recountNow, refreshSummaries } from './summaries.js'

const TWO_32 = 2 ** 32
const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort()

/** Every summary computed afresh from customers and orders, the plain way, for the day and key given. */
async function freshCount(db: Kysely<Database>, day: string, secret: Uint8Array) {
  const keyOf = recordKeys(secret)
  const people = new Map<string, { customers: number; key_sum: number }>()
  const customers = await db
    .selectFrom('customers')
    .select(['id', 'birth_date', 'gender', 'country', 'region', 'status', yearMonth(db, sql.ref('created_at')).as('signup_month')])
    .execute()
  for (const c of customers.filter((c) => c.status !== 'erased')) {
    const name = JSON.stringify([
      c.signup_month,
      ageBand(c.birth_date, day),
      c.gender ?? 'unknown',
      c.country ?? 'unknown',
      c.region ?? 'unknown',
    ])
    const cell = people.get(name) ?? { customers: 0, key_sum: 0 }
    cell.customers++
    cell.key_sum = (cell.key_sum + keyOf(c.id)) % TWO_32
    people.set(name, cell)
  }
  const place = new Map(customers.map((c) => [c.id, [c.country ?? 'unknown', c.region ?? 'unknown']]))
  const orders = await db.selectFrom('orders').select(['customer_id', 'placed_at', 'currency', 'total_cents', 'status']).execute()
  const spent = new Map<string, { orders: number; revenue: number; by: Map<number, number> }>()
  const months = new Map<number, Set<string>>()
  for (const o of orders.filter((o) => !(NOT_SALES as readonly string[]).includes(o.status))) {
    const who = o.customer_id ?? 0
    const month = o.placed_at.slice(0, 7)
    if (o.customer_id !== null) months.set(who, (months.get(who) ?? new Set()).add(month))
    for (const period of periodsOf(month)) {
      const name = JSON.stringify([period, ...(place.get(who) ?? ['unknown', 'unknown']), o.currency])
      const cell = spent.get(name) ?? { orders: 0, revenue: 0, by: new Map() }
      cell.orders++
      cell.revenue += o.total_cents
      cell.by.set(who, (cell.by.get(who) ?? 0) + o.total_cents)
      spent.set(name, cell)
    }
  }
  const buyers = new Map<string, { new_buyers: number; returning_buyers: number }>()
  for (const bought of months.values()) {
    const first = [...bought].sort()[0]
    for (const m of bought) {
      const b = buyers.get(m) ?? { new_buyers: 0, returning_buyers: 0 }
      if (m === first) b.new_buyers++
      else b.returning_buyers++
      buyers.set(m, b)
    }
  }
  return {
    customer_cells: sorted(
      [...people].map(([name, c]) => {
        const [signup_month, age_band, gender, country, region] = JSON.parse(name) as string[]
        return { signup_month, age_band, gender, country, region, ...c }
      }),
    ),
    sales_cells: sorted(
      [...spent].map(([name, c]) => {
        const [period, country, region, currency] = JSON.parse(name) as string[]
        return {
          period,
          country,
          region,
          currency,
          orders: c.orders,
          revenue: c.revenue,
          customers: c.by.size,
          largest: Math.max(...c.by.values()),
        }
      }),
    ),
    buyer_months: sorted([...buyers].map(([month, b]) => ({ month, ...b }))),
  }
}

/** The summaries as stored, in the same shape. */
async function stored(db: Kysely<Database>) {
  return {
    customer_cells: sorted(
      await db
        .selectFrom('customer_cells')
        .select(['signup_month', 'age_band', 'gender', 'country', 'region', 'customers', 'key_sum'])
        .execute(),
    ),
    sales_cells: sorted(
      await db
        .selectFrom('sales_cells')
        .select(['period', 'country', 'region', 'currency', 'orders', 'revenue', 'customers', 'largest'])
        .execute(),
    ),
    buyer_months: sorted(await db.selectFrom('buyer_months').select(['month', 'new_buyers', 'returning_buyers']).execute()),
  }
}

function summariesOn(name: string, open: () => Promise<{ handle: DatabaseHandle; drop(): Promise<void> }>) {
  describe(`report summaries (${name})`, () => {
    let handle: DatabaseHandle
    let drop: () => Promise<void>
    let now = new Date('2026-11-27T10:00:00.000Z')
    const ctx = () => ({ now, config: { auditKey: TEST_AUDIT_KEY } })
    const day = () => now.toISOString().slice(0, 10)
    const expectFresh = async (secret: Uint8Array = TEST_AUDIT_KEY) => {
      await refreshSummaries(handle.db, { now, config: { auditKey: secret } })
      expect(await stored(handle.db)).toEqual(await freshCount(handle.db, day(), secret))
      expect(await handle.db.selectFrom('report_dirty').selectAll().execute()).toEqual([])
    }

    beforeAll(async () => {
      ;({ handle, drop } = await open())
    }, 120_000)
    afterAll(async () => {
      await drop()
    })

    it('counts the seeded store as a fresh count does', async () => {
      expect((await handle.db.selectFrom('customer_cells').selectAll().execute()).length).toBe(0)
      await expectFresh()
      expect((await handle.db.selectFrom('sales_cells').selectAll().execute()).length).toBeGreaterThan(100)
    })

    it('stays equal after customers are added, edited and erased, and orders placed, cancelled, moved and deleted', async () => {
      const db = handle.db
      const [a, b, c, d] = (
        await db.selectFrom('customers').select('id').where('status', '!=', 'erased').orderBy('id').limit(4).execute()
      ).map((r) => r.id)
      // A new customer with orders in two currencies, one without a birth date.
      const { id: added } = await db
        .insertInto('customers')
        .values({
          first_name: 'Neu',
          last_name: 'Kunde',
          email: 'neu@example.net',
          country: 'DE',
          region: 'Bayern',
          birth_date: '2008-11-28',
          gender: 'female',
          created_at: '2026-10-03T09:00:00.000Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('orders')
        .values([
          {
            customer_id: added,
            number: 'T-1',
            placed_at: '2026-10-04T10:00:00.000Z',
            status: 'delivered',
            total_cents: 9_900,
            currency: 'EUR',
          },
          {
            customer_id: added,
            number: 'T-2',
            placed_at: '2026-11-02T10:00:00.000Z',
            status: 'paid',
            total_cents: 1_500_000,
            currency: 'USD',
          },
          { customer_id: null, number: 'T-3', placed_at: '2026-11-03T10:00:00.000Z', status: 'paid', total_cents: 100, currency: 'EUR' },
        ])
        .execute()
      await expectFresh()
      // Edits that move people between cells: a birth date, a region and country, a gender, a signup date.
      await db.updateTable('customers').set({ birth_date: '1950-02-28' }).where('id', '=', a!).execute()
      await db.updateTable('customers').set({ country: 'FR', region: 'Bretagne' }).where('id', '=', b!).execute()
      await db.updateTable('customers').set({ gender: null }).where('id', '=', c!).execute()
      await db.updateTable('customers').set({ created_at: '2020-01-15T00:00:00.000Z' }).where('id', '=', added).execute()
      // The largest buyer's big order is refunded, another is cancelled, one changes hands and one is deleted.
      await db.updateTable('orders').set({ status: 'refunded' }).where('number', '=', 'T-2').execute()
      const [first, second, third] = await db.selectFrom('orders').select(['id', 'customer_id']).where('customer_id', '=', d!).execute()
      if (first) await db.updateTable('orders').set({ status: 'cancelled' }).where('id', '=', first.id).execute()
      if (second) await db.updateTable('orders').set({ customer_id: a! }).where('id', '=', second.id).execute()
      if (third) await db.deleteFrom('orders').where('id', '=', third.id).execute()
      await db
        .updateTable('orders')
        .set({ total_cents: 77_700, placed_at: '2025-02-10T08:00:00.000Z' })
        .where('number', '=', 'T-1')
        .execute()
      await expectFresh()
      // An erasure as the request workflow runs it: the person leaves the summaries inside the erasure's transaction.
      await inTransaction(db, async (trx) => {
        await executeErasure(trx, d!, now)
        await recountNow(trx, ctx(), [d!])
      })
      expect(await db.selectFrom('counted_customers').selectAll().where('customer_id', '=', d!).execute()).toEqual([])
      expect(await db.selectFrom('report_dirty').selectAll().where('customer_id', '=', d!).execute()).toEqual([])
      // And one written straight to the table: the triggers mark it all the same.
      await db.updateTable('customers').set({ status: 'erased', birth_date: null, region: null }).where('id', '=', c!).execute()
      await expectFresh()
    })

    it('moves customers between age bands as birthdays pass, leap days included', async () => {
      const db = handle.db
      const born = async (birth_date: string) =>
        (
          await db
            .insertInto('customers')
            .values({
              first_name: 'Birth',
              last_name: 'Day',
              email: `${birth_date}@example.net`,
              country: 'GB',
              region: 'Wales',
              birth_date,
              gender: 'male',
              created_at: '2026-01-05T00:00:00.000Z',
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id
      // 18 tomorrow; 13 on 1 March 2027 (born on a leap day); 65 in a year and a day.
      for (const b of ['2008-11-28', '2014-02-29', '1962-11-28', '2009-02-28']) await born(b)
      await expectFresh()
      for (const next of ['2026-11-28T00:00:01.000Z', '2027-02-28T12:00:00.000Z', '2027-03-01T00:00:00.000Z', '2027-11-28T23:59:59.000Z']) {
        now = new Date(next)
        await expectFresh()
      }
      // A clock behind the last count does not move anyone back.
      const { asOf } = await refreshSummaries(db, { now: new Date('2026-01-01T00:00:00.000Z'), config: { auditKey: TEST_AUDIT_KEY } })
      expect(asOf).toBe('2027-11-28')
    })

    it('recounts everyone under a new record key, and counting a customer twice changes nothing', async () => {
      const other = new TextEncoder().encode('another installation key, 32 bytes long')
      await expectFresh(other)
      await sql`insert into report_dirty (customer_id) select id from customers`.execute(handle.db)
      await expectFresh(other)
      await expectFresh()
    })

    it('a stopping server ends a recount between batches, and the next refresh carries on', async () => {
      await sql`insert into report_dirty (customer_id) select id from customers`.execute(handle.db)
      const queued = async () => (await handle.db.selectFrom('report_dirty').select('customer_id').execute()).length
      const all = await queued()
      await refreshSummaries(handle.db, ctx(), () => true)
      expect(await queued()).toBe(all)
      await expectFresh()
    })
  })
}

summariesOn('SQLite', async () => {
  const handle = await createTestDatabase({ customers: 300 })
  return { handle, drop: () => handle.close() }
})

summariesOn('PostgreSQL', async () => {
  const handle = await createTestDatabase({ customers: 300, dialect: 'postgres' })
  return { handle, drop: () => handle.close() }
})
