import { yearMonth } from '@verity/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../testing.js'
import { NOT_SALES } from './summaries.js'

let t: Awaited<ReturnType<typeof createTestApp>>
const get = (path: string, cookie: string) => t.request('GET', path, { cookie })
let manager: string
beforeAll(async () => {
  t = await createTestApp({ customers: 300 })
  manager = await t.login('manager')
  // Erased customers' orders stay for the accounts, and count; their region is gone.
  await t.db.updateTable('customers').set({ status: 'erased', region: null }).where('id', 'in', [3, 30, 60, 90]).execute()
})
afterAll(() => t.close())

interface Row {
  month?: string
  country?: string
  region?: string
  currency: string
  orders: number | null
  revenue_cents: number | null
  average_cents: number | null
  suppressed: boolean
}

/** The same figures straight from the base tables, with each cell's customers and its largest one's share. */
async function truth(dims: ('month' | 'country' | 'region')[], range?: { from: string; to: string }) {
  let q = t.db
    .selectFrom('orders as o')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .where('o.status', 'not in', NOT_SALES)
    .select(['o.customer_id', 'o.total_cents', 'o.currency', 'c.country', 'c.region', yearMonth(t.db, sql.ref('o.placed_at')).as('month')])
  if (range) q = q.where('o.placed_at', '>=', range.from).where('o.placed_at', '<', `${range.to}T23:59:59.999Z`)
  const cells = new Map<string, { orders: number; revenue: number; customers: Map<number, number> }>()
  for (const o of await q.execute()) {
    const values = { month: o.month, country: o.country ?? 'unknown', region: o.region ?? 'unknown' }
    const name = JSON.stringify([...dims.map((d) => values[d]), o.currency])
    const cell = cells.get(name) ?? { orders: 0, revenue: 0, customers: new Map() }
    cell.orders++
    cell.revenue += o.total_cents
    cell.customers.set(o.customer_id!, (cell.customers.get(o.customer_id!) ?? 0) + o.total_cents)
    cells.set(name, cell)
  }
  return cells
}

const TABLES = {
  month: ['month'],
  country: ['country'],
  region: ['country', 'region'],
  'month,country': ['month', 'country'],
} as const

describe('commerce', () => {
  for (const [by, dims] of Object.entries(TABLES)) {
    it(`by ${by}: every shown figure is the base tables' own, and every small or dominated cell is hidden`, async () => {
      const res = await get(`/api/reports/commerce?by=${by}`, manager)
      expect(res.status).toBe(200)
      expect(res.json.k).toBe(10)
      const rows = res.json.rows as Row[]
      const expected = await truth([...dims])
      const name = (r: Row) => JSON.stringify([...dims.map((d) => r[d]), r.currency])
      expect(rows.map(name).sort()).toEqual([...expected.keys()].sort())
      let hidden = 0
      for (const r of rows) {
        const cell = expected.get(name(r))!
        const small = cell.customers.size < 10
        const dominated = Math.max(...cell.customers.values()) * 2 > cell.revenue
        if (small || dominated) expect(r.suppressed).toBe(true)
        if (r.suppressed) {
          hidden++
          expect(r).toMatchObject({ orders: null, revenue_cents: null, average_cents: null })
        } else {
          expect(r).toMatchObject({
            orders: cell.orders,
            revenue_cents: cell.revenue,
            average_cents: Math.round(cell.revenue / cell.orders),
          })
          expect(Number.isInteger(r.revenue_cents)).toBe(true)
        }
      }
      expect(hidden).toBeGreaterThan(0)
      // 300 customers spread over countries and months leave no month-and-country cell with 10 of them.
      if (by !== 'month,country') expect(rows.some((r) => !r.suppressed)).toBe(true)
    })
  }

  it('never adds amounts in different currencies: one row per currency, each summing its own orders only', async () => {
    const rows = (await get('/api/reports/commerce?by=month', manager)).json.rows as Row[]
    const months = new Map<string, Set<string>>()
    for (const r of rows) months.set(r.month!, (months.get(r.month!) ?? new Set()).add(r.currency))
    expect([...months.values()].some((currencies) => currencies.size > 1)).toBe(true)
    expect(rows.every((r) => typeof r.currency === 'string' && r.currency.length === 3)).toBe(true)
  })

  it('hides no cell alone where the others and their total are shown (secondary suppression)', async () => {
    const months = (await get('/api/reports/commerce?by=month', manager)).json.rows as Row[]
    const cross = (await get('/api/reports/commerce?by=month,country', manager)).json.rows as Row[]
    const countries = (await get('/api/reports/commerce?by=country', manager)).json.rows as Row[]
    const regions = (await get('/api/reports/commerce?by=region', manager)).json.rows as Row[]
    // A group of one cell is its own total, hidden in every table alike (a part of a small or dominated whole is too).
    const hiddenIn = (rows: Row[]) => (rows.length === 1 ? 0 : rows.filter((r) => r.suppressed).length)
    const groups = (rows: Row[], keyOf: (r: Row) => string) => {
      const g = new Map<string, Row[]>()
      for (const r of rows) g.set(keyOf(r), [...(g.get(keyOf(r)) ?? []), r])
      return g
    }
    for (const table of [months, countries, regions])
      for (const rows of groups(table, (r) => r.currency).values()) expect(hiddenIn(rows)).not.toBe(1)
    const shown = (rows: Row[], match: (r: Row) => boolean) => rows.find(match)?.suppressed === false
    for (const rows of groups(cross, (r) => `${r.currency}|${r.month}`).values())
      if (shown(months, (m) => m.month === rows[0]!.month && m.currency === rows[0]!.currency)) expect(hiddenIn(rows)).not.toBe(1)
    for (const rows of groups(cross, (r) => `${r.currency}|${r.country}`).values())
      if (shown(countries, (c) => c.country === rows[0]!.country && c.currency === rows[0]!.currency)) expect(hiddenIn(rows)).not.toBe(1)
    for (const rows of groups(regions, (r) => `${r.currency}|${r.country}`).values())
      if (shown(countries, (c) => c.country === rows[0]!.country && c.currency === rows[0]!.currency)) expect(hiddenIn(rows)).not.toBe(1)
  })

  it('counts orders of erased customers: the totals are those of every order kept', async () => {
    const rows = (await get('/api/reports/commerce?by=region', manager)).json.rows as Row[]
    const erasedOrders = await t.db
      .selectFrom('orders')
      .select('id')
      .where('customer_id', 'in', [3, 30, 60, 90])
      .where('status', 'not in', NOT_SALES)
      .execute()
    expect(erasedOrders.length).toBeGreaterThan(0)
    expect(rows.some((r) => r.region === 'unknown')).toBe(true)
  })

  it('hides a cell one customer dominates, though it has k customers', async () => {
    const rows = (await get('/api/reports/commerce?by=month', manager)).json.rows as Row[]
    const cell = rows.find((r) => !r.suppressed)!
    const buyer = await t.db
      .selectFrom('orders')
      .select('customer_id')
      .where('currency', '=', cell.currency)
      .where('status', 'not in', NOT_SALES)
      .where(yearMonth(t.db, sql.ref('placed_at')), '=', cell.month!)
      .executeTakeFirstOrThrow()
    await t.db
      .insertInto('orders')
      .values({
        customer_id: buyer.customer_id,
        number: 'TM-DOMINANT-1',
        placed_at: `${cell.month}-15T12:00:00.000Z`,
        status: 'delivered',
        total_cents: cell.revenue_cents! + 1,
        currency: cell.currency,
        ship_name: null,
        ship_address: null,
        ship_phone: null,
        ship_country: null,
      })
      .execute()
    try {
      const after = (await get('/api/reports/commerce?by=month', manager)).json.rows as Row[]
      expect(after.find((r) => r.month === cell.month && r.currency === cell.currency)).toMatchObject({
        suppressed: true,
        revenue_cents: null,
      })
    } finally {
      await t.db.deleteFrom('orders').where('number', '=', 'TM-DOMINANT-1').execute()
    }
  })

  it('answers a calendar month, quarter or year, and refuses other ranges', async () => {
    const res = await get('/api/reports/commerce?by=month&from=2025-01-01&to=2025-12-31', manager)
    expect(res.status).toBe(200)
    expect(res.json.rows.length).toBeGreaterThan(0)
    expect((res.json.rows as Row[]).every((r) => r.month!.startsWith('2025-'))).toBe(true)
    const expected = await truth(['month'], { from: '2025-01-01', to: '2025-12-31' })
    for (const r of res.json.rows as Row[])
      if (!r.suppressed) expect(r.revenue_cents).toBe(expected.get(JSON.stringify([r.month, r.currency]))!.revenue)
    expect((await get('/api/reports/commerce?by=month&from=2025-01-03&to=2025-02-11', manager)).status).toBe(400)
    expect((await get('/api/reports/commerce?by=month&from=2025-01-01', manager)).status).toBe(400)
    expect((await get('/api/reports/commerce?by=gender', manager)).status).toBe(400)
  })
})

describe('buyers', () => {
  it('counts new buyers in the month of their first order and returning ones after; counts under k hidden', async () => {
    const res = await get('/api/reports/buyers', manager)
    expect(res.status).toBe(200)
    const orders = await t.db
      .selectFrom('orders')
      .select(['customer_id', 'placed_at'])
      .where('status', 'not in', NOT_SALES)
      .orderBy('placed_at')
      .execute()
    const first = new Map<number, string>()
    for (const o of orders) if (!first.has(o.customer_id!)) first.set(o.customer_id!, o.placed_at.slice(0, 7))
    const perMonth = new Map<string, { new: Set<number>; returning: Set<number> }>()
    for (const o of orders) {
      const month = o.placed_at.slice(0, 7)
      const m = perMonth.get(month) ?? { new: new Set(), returning: new Set() }
      ;(first.get(o.customer_id!) === month ? m.new : m.returning).add(o.customer_id!)
      perMonth.set(month, m)
    }
    const rows = res.json.rows as { month: string; new: number | null; returning: number | null; suppressed: boolean }[]
    expect(rows.map((r) => r.month)).toEqual([...perMonth.keys()].sort())
    const shown = (n: number) => (n < 10 ? null : n)
    for (const r of rows) {
      const m = perMonth.get(r.month)!
      expect(r.new).toBe(shown(m.new.size))
      expect(r.returning).toBe(shown(m.returning.size))
    }
    expect(rows.some((r) => r.new === null)).toBe(true)
    expect(rows.some((r) => r.returning !== null)).toBe(true)
  })
})

describe('who may read them', () => {
  for (const path of ['/api/reports/commerce', '/api/reports/buyers', '/api/reports/operations'])
    it(`${path}: managers, compliance and admins; agents get 403`, async () => {
      for (const role of ['manager', 'compliance', 'admin']) expect((await get(path, await t.login(role))).status).toBe(200)
      const res = await get(path, await t.login('agent'))
      expect(res.status).toBe(403)
      expect(res.json.error.code).toBe('forbidden')
    })
})

describe('an attacker with every table of every period', () => {
  it('cannot work out any hidden figure by adding and subtracting what is shown', async () => {
    // Every period the data spans: all time, each year, quarter and month.
    const months = ((await get('/api/reports/commerce?by=month', manager)).json.rows as Row[]).map((r) => r.month!)
    const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
    const periods = new Map<string, string>([['all', '']])
    for (const m of new Set(months)) {
      const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7))]
      const q = Math.ceil(mo / 3)
      periods.set(`${y}`, `from=${y}-01-01&to=${y}-12-31`)
      periods.set(`${y}-Q${q}`, `from=${y}-${String(3 * q - 2).padStart(2, '0')}-01&to=${lastDay(y, 3 * q)}`)
      periods.set(m, `from=${m}-01&to=${lastDay(y, mo)}`)
    }
    const isMonth = (p: string) => /^\d{4}-\d{2}$/.test(p)
    // What the attacker knows: each cell's revenue, or that it is hidden.
    const known = new Map<string, number | null>()
    for (const [period, range] of periods)
      for (const by of Object.keys(TABLES)) {
        const res = await get(`/api/reports/commerce?by=${by}&${range}`, manager)
        expect(res.status).toBe(200)
        for (const r of res.json.rows as Row[]) {
          const name =
            by === 'month'
              ? `total|${r.month}|${r.currency}`
              : by === 'month,country'
                ? `country|${r.month}|${r.country}|${r.currency}`
                : by === 'country'
                  ? `country|${period}|${r.country}|${r.currency}`
                  : `region|${period}|${r.country}|${r.region}|${r.currency}`
          known.set(name, r.revenue_cents)
        }
      }
    // The sums linking them: a period's total over its countries, a country over its regions, any cell over the months,
    // quarters or years of its period. A period's total is no row, so it starts unknown.
    const equations = new Map<string, Set<string>>()
    const addTo = (total: string, part: string) => equations.set(total, (equations.get(total) ?? new Set()).add(part))
    for (const name of known.keys()) {
      const [level, period, ...rest] = name.split('|') as [string, string, ...string[]]
      const currency = rest.at(-1)!
      const place = rest.slice(0, -1)
      if (level === 'country') addTo(`total|${period}|${currency}#place`, name)
      if (level === 'region') addTo(`country|${period}|${place[0]}|${currency}#place`, name)
      const wider = isMonth(period)
        ? ['all', period.slice(0, 4), `${period.slice(0, 4)}-Q${Math.ceil(Number(period.slice(5, 7)) / 3)}`]
        : period.includes('-Q')
          ? [period.slice(0, 4)]
          : period === 'all'
            ? []
            : ['all']
      for (const w of wider) addTo(`${[level, w, ...place, currency].join('|')}#${isMonth(period) ? 'months' : 'periods'}`, name)
    }
    const value = new Map<string, number>()
    for (const [name, v] of known) if (v !== null) value.set(name, v)
    let solved = true
    while (solved) {
      solved = false
      for (const [key, parts] of equations) {
        const total = key.split('#')[0]!
        const unknown = [total, ...parts].filter((n) => !value.has(n))
        if (unknown.length !== 1) continue
        const sum = [...parts].filter((n) => value.has(n)).reduce((s, n) => s + value.get(n)!, 0)
        value.set(unknown[0]!, unknown[0] === total ? sum : value.get(total)! - sum)
        solved = true
      }
    }
    const hidden = [...known].filter(([, v]) => v === null).map(([n]) => n)
    expect(hidden.length).toBeGreaterThan(0)
    expect(hidden.filter((n) => value.has(n))).toEqual([])
  }, 60_000)
})
