import { type Database, yearMonth } from '@verity/db'
import { type Kysely, sql } from 'kysely'

interface Ask {
  name: string
  path: string
  /** the same table from the base tables, as a plain GROUP BY */
  base?: (db: Kysely<Database>) => Promise<unknown>
}

/** The age band of a birth date today, in SQL: what the summaries save each report from computing. */
function bandSql(today: string) {
  const limits = [13, 18, 25, 35, 45, 55, 65] as const
  const bands = ['under_13', '13-17', '18-24', '25-34', '35-44', '45-54', '55-64']
  return sql<string>`case when birth_date is null then 'unknown' ${sql.join(
    // Born after the day `l` years ago: not `l` yet (29 February aside, which a baseline can ignore).
    limits.map((l, i) => sql`when birth_date > ${`${Number(today.slice(0, 4)) - l}${today.slice(4)}`} then ${bands[i]}`),
    sql` `,
  )} else '65+' end`
}

function asks(today: string): Ask[] {
  const demographics = (by: string[], from?: string, to?: string): Ask => ({
    name: `demographics by ${by.join(' × ')}${from ? ` (${from.slice(0, 7)}…${to!.slice(0, 7)})` : ' (all time)'}`,
    path: `/api/reports/demographics?by=${by.join(',')}${from ? `&from=${from}&to=${to}` : ''}`,
    base: (db) => {
      const cols = by.map((d) =>
        d === 'age_band'
          ? bandSql(today).as('age_band')
          : d === 'signup_month'
            ? yearMonth(db, sql.ref('created_at')).as('signup_month')
            : sql.ref(d).as(d),
      )
      let q = db
        .selectFrom('customers')
        .where('status', '!=', 'erased')
        .select([...cols, (eb) => eb.fn.countAll().as('n')])
        .groupBy(by.map((d) => sql.ref(d)))
      if (from) q = q.where('created_at', '>=', `${from}T00:00:00.000Z`).where('created_at', '<=', `${to}T23:59:59.999Z`)
      return q.execute()
    },
  })
  const commerce = (by: string, from?: string, to?: string): Ask => ({
    name: `commerce by ${by}${from ? ` (${from.slice(0, 7)}…${to!.slice(0, 7)})` : ' (all time)'}`,
    path: `/api/reports/commerce?by=${by}${from ? `&from=${from}&to=${to}` : ''}`,
    base: (db) => {
      const dims = by.split(',').flatMap((d) => (d === 'region' ? ['country', 'region'] : [d]))
      const month = yearMonth(db, sql.ref('o.placed_at'))
      let q = db
        .selectFrom('orders as o')
        .leftJoin('customers as c', 'c.id', 'o.customer_id')
        .where('o.status', 'not in', ['cancelled', 'refunded'])
        .select([
          ...dims.map((d) => (d === 'month' ? month.as('month') : sql.ref(`c.${d}`).as(d))),
          'o.currency',
          (eb) => eb.fn.countAll().as('orders'),
          (eb) => eb.fn.sum('o.total_cents').as('revenue'),
          sql`count(distinct o.customer_id)`.as('customers'),
        ])
        .groupBy([...dims.map((d) => (d === 'month' ? month : sql.ref(`c.${d}`))), 'o.currency'])
      if (from) q = q.where('o.placed_at', '>=', `${from}T00:00:00.000Z`).where('o.placed_at', '<=', `${to}T23:59:59.999Z`)
      return q.execute()
    },
  })
  return [
    demographics(['age_band']),
    demographics(['age_band', 'country']),
    demographics(['age_band', 'gender', 'region']),
    demographics(['signup_month', 'country'], '2025-01-01', '2025-12-31'),
    demographics(['age_band', 'gender'], '2025-04-01', '2025-06-30'),
    commerce('month', '2025-01-01', '2025-12-31'),
    commerce('country'),
    commerce('region', '2025-04-01', '2025-06-30'),
    commerce('month,country', '2025-01-01', '2025-12-31'),
    {
      name: 'buyers (2025)',
      path: '/api/reports/buyers?from=2025-01-01&to=2025-12-31',
      base: (db) => {
        const month = yearMonth(db, sql.ref('o.placed_at'))
        const first = db
          .selectFrom('orders')
          .where('status', 'not in', ['cancelled', 'refunded'])
          .select(['customer_id', (eb) => eb.fn.min('placed_at').as('first_at')])
          .groupBy('customer_id')
        return db
          .selectFrom('orders as o')
          .innerJoin(first.as('f'), 'f.customer_id', 'o.customer_id')
          .where('o.status', 'not in', ['cancelled', 'refunded'])
          .where('o.placed_at', '>=', '2025-01-01')
          .where('o.placed_at', '<', '2026-01-01')
          .select([
            month.as('month'),
            sql`count(distinct case when ${yearMonth(db, sql.ref('f.first_at'))} = ${month} then o.customer_id end)`.as('new'),
            sql`count(distinct case when ${yearMonth(db, sql.ref('f.first_at'))} < ${month} then o.customer_id end)`.as('returning'),
          ])
          .groupBy(month)
          .execute()
      },
    },
    { name: 'operations (all time)', path: '/api/reports/operations' },
  ]
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now()
  const result = await work()
  return [performance.now() - started, result]
}

/**
 * Each report through the production server (session, validation, refresh, summary, protection) as a manager asks it,
 * one at a time: cold (the first ask after a change to the data, which recounts the changed customer and publishes the
 * table afresh) and warm (asked again, p50 of 20), beside the plain GROUP BY over the base tables that the summaries
 * replace, run on `db` in this process.
 */
export async function timeReports(get: (path: string) => Promise<Response>, db: Kysely<Database>, today: string) {
  const ask = async (path: string) => {
    const res = await get(path)
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
    return res.json()
  }
  const { id } = await db.selectFrom('customers').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()
  const rows = []
  for (const a of asks(today)) {
    // A change to the data: the customer is marked and every published table is out of date.
    await db
      .updateTable('customers')
      .set({ gender: sql`gender` })
      .where('id', '=', id)
      .execute()
    const [cold] = await timed(() => ask(a.path))
    const warm: number[] = []
    for (let i = 0; i < 20; i++) warm.push((await timed(() => ask(a.path)))[0])
    warm.sort((x, y) => x - y)
    const base = a.base ? (await timed(() => a.base!(db)))[0] : null
    rows.push({ name: a.name, path: a.path, cold, warm: percentile(warm, 0.5), warmMax: warm.at(-1)!, base })
  }
  return rows
}
