import { type Database, yearMonth } from '@verity/db'
import { type Kysely, sql } from 'kysely'
import { unprocessable } from '../../platform/errors.js'
import { getSetting } from '../settings/settings.service.js'
import { periodOf } from './reports.service.js'

/** The tables the commerce report publishes, and the dimensions of each. A region is named with its country. */
export const COMMERCE_TABLES = {
  month: ['month'],
  country: ['country'],
  region: ['country', 'region'],
  'month,country': ['month', 'country'],
} as const
export type CommerceBy = keyof typeof COMMERCE_TABLES
type Dim = 'month' | 'country' | 'region'

/** Orders that brought no money in are not sales: cancelled and refunded ones are left out of every figure. */
/** The most orders the commerce report is planned over live: about 200 ms at 12,000 orders here and 4 s at 230,000. */
export const LIVE_PLAN_ORDERS = 50_000

export const NOT_SALES = ['cancelled', 'refunded'] as const

export interface RangeInput {
  /** placed dates, inclusive, ISO YYYY-MM-DD (UTC) */
  from?: string
  to?: string
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString()

/**
 * Sales grouped by customer, month, the customer's country and region, and currency: each row is one contributor's
 * share of the finest cell. Orders of erased customers stay (kept for the accounts; their region is gone, so 'unknown').
 * Always all time: every period is planned at once (planCommerce).
 */
async function contributions(db: Kysely<Database>) {
  const query = db
    .selectFrom('orders as o')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .where('o.status', 'not in', NOT_SALES)
    .select([
      'o.customer_id',
      yearMonth(db, sql.ref('o.placed_at')).as('month'),
      'c.country',
      'c.region',
      'o.currency',
      (eb) => eb.fn.countAll<number | string>().as('orders'),
      (eb) => eb.fn.sum<number | string>('o.total_cents').as('revenue'),
    ])
    .groupBy(['o.customer_id', yearMonth(db, sql.ref('o.placed_at')), 'c.country', 'c.region', 'o.currency'])
  return (await query.execute()).map((r) => ({
    // Orders without a customer (none today) count as one contributor together, which only hides more.
    customer: r.customer_id ?? 0,
    values: { month: r.month, country: r.country ?? 'unknown', region: r.region ?? 'unknown' } as Record<Dim, string>,
    currency: r.currency,
    orders: Number(r.orders),
    revenue: Number(r.revenue),
  }))
}

interface Cell {
  key: string[]
  currency: string
  orders: number
  revenue: number
  byCustomer: Map<number, number>
  suppressed: boolean
}

/**
 * Whether a cell's figures may be shown: at least k customers contribute and none brings more than half the revenue
 * (the dominance rule, so no contributor can work out another's spending from the total).
 */
export function isSafe(cell: Pick<Cell, 'revenue' | 'byCustomer'>, k: number) {
  if (cell.byCustomer.size < k) return false
  const largest = Math.max(...cell.byCustomer.values())
  return !(cell.revenue > 0 && largest * 2 > cell.revenue)
}

/**
 * Hides one more cell wherever a group of cells that add up to a known total has exactly one hidden: otherwise the
 * hidden one is the total less the others. The smallest shown cell goes (least information lost).
 */
function protectGroup(cells: Cell[], totalKnown: boolean) {
  const hidden = cells.filter((c) => c.suppressed)
  if (!totalKnown || hidden.length !== 1) return false
  const shown = cells.filter((c) => !c.suppressed).sort((a, b) => a.revenue - b.revenue || a.orders - b.orders)
  if (!shown.length) return false
  shown[0]!.suppressed = true
  return true
}

/** The calendar periods a month falls in, from the widest: all time, its year, its quarter, itself. */
export function periodsOf(month: string) {
  const year = month.slice(0, 4)
  return ['all', year, `${year}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`, month]
}

/** The period a range asks for: 'all', a year 'YYYY', a quarter 'YYYY-Qn' or a month 'YYYY-MM'. */
export function periodKey({ from, to }: RangeInput) {
  if (!from || !to) return 'all'
  const kind = periodOf(from, to)
  if (kind === 'year') return from.slice(0, 4)
  if (kind === 'quarter') return `${from.slice(0, 4)}-Q${Math.ceil(Number(from.slice(5, 7)) / 3)}`
  return from.slice(0, 7)
}

const isMonth = (period: string) => /^\d{4}-\d{2}$/.test(period)

type Level = 'total' | 'country' | 'region'
const nameOf = (level: Level, period: string, place: string[], currency: string) => JSON.stringify([level, period, ...place, currency])

/**
 * Every cell of every commerce table of every period (all time, each year, quarter and month), planned together once.
 * Each table a range can show is a set of these cells: by month, the totals of its months; by country or region, the
 * period's own cells; by month and country, the country cells of its months. Linked cells add up: a period's total is
 * the sum of its countries, a country's of its regions, and any period's cell the sum of the same cell over the
 * months, quarters or years in it. Primary suppression (fewer than k customers, or one bringing most of the revenue)
 * comes first; then, wherever such a sum is shown (or could be, as a period's grand total always is, from another
 * table) and exactly one of its parts is hidden, another part is hidden, until nothing changes. Planning all periods at
 * once means no two ranges or tables disagree about which cells to hide.
 */
export function planCommerce(rows: Awaited<ReturnType<typeof contributions>>, k: number) {
  const cells = new Map<string, Cell>()
  const add = (name: string, key: string[], r: (typeof rows)[number]) => {
    const cell = cells.get(name) ?? { key, currency: r.currency, orders: 0, revenue: 0, byCustomer: new Map(), suppressed: false }
    cell.orders += r.orders
    cell.revenue += r.revenue
    cell.byCustomer.set(r.customer, (cell.byCustomer.get(r.customer) ?? 0) + r.revenue)
    cells.set(name, cell)
  }
  for (const r of rows)
    for (const period of periodsOf(r.values.month)) {
      add(nameOf('total', period, [], r.currency), [period], r)
      add(nameOf('country', period, [r.values.country], r.currency), [period, r.values.country], r)
      add(nameOf('region', period, [r.values.country, r.values.region], r.currency), [period, r.values.country, r.values.region], r)
    }
  for (const cell of cells.values()) cell.suppressed = !isSafe(cell, k)

  // Each sum, by its total's name and how it is split (by place, or by months, quarters or years), to its parts' names.
  const sums = new Map<string, { total: string; parts: Set<string> }>()
  const part = (total: string, split: string, name: string) => {
    const sum = sums.get(`${total}|${split}`) ?? { total, parts: new Set<string>() }
    sums.set(`${total}|${split}`, sum.parts.add(name) && sum)
  }
  for (const [name, cell] of cells) {
    const [level, period, ...rest] = JSON.parse(name) as [Level, string, ...string[]]
    const place = rest.slice(0, -1)
    const currency = cell.currency
    if (level === 'country') part(nameOf('total', period, [], currency), 'place', name)
    if (level === 'region') part(nameOf('country', period, place.slice(0, 1), currency), 'place', name)
    // A period's cell is the sum of the same cell over the months in it, and over the quarters in a year, the years in all time.
    const wider = isMonth(period)
      ? periodsOf(period).slice(0, 3)
      : period.includes('-Q')
        ? [period.slice(0, 4)]
        : period === 'all'
          ? []
          : ['all']
    for (const w of wider) part(nameOf(level, w, place, currency), isMonth(period) ? 'months' : 'periods', name)
  }
  const totalKnown = (name: string) => {
    const [level, period] = JSON.parse(name) as [Level, string]
    // A period's grand total is no row of any table but is the sum of rows another table may show in full.
    return (level === 'total' && !isMonth(period)) || !cells.get(name)!.suppressed
  }
  let changed = true
  while (changed) {
    changed = false
    for (const { total, parts } of sums.values())
      changed =
        protectGroup(
          [...parts].map((n) => cells.get(n)!),
          totalKnown(total),
        ) || changed
  }
  return cells
}

/**
 * Orders, revenue and average order value (integer cents, per currency: amounts in different currencies are never added)
 * by month, country, region or month and country, for a calendar period or all time. A cell with fewer than k customers,
 * or one customer bringing most of its revenue, is shown with every figure null, as are the cells that would let it be
 * worked out from totals, in this table or any other of any period.
 */
export async function commerce(db: Kysely<Database>, input: RangeInput & { by: CommerceBy }) {
  // Planned live over every order, this report would hold the server for long at a large store's size: refused there
  // until it is kept in summaries, rather than leaving agents waiting behind it.
  const { n } = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
  if (Number(n) > LIVE_PLAN_ORDERS) {
    throw unprocessable(
      `The commerce report is planned live over every order, which a store of more than ${LIVE_PLAN_ORDERS.toLocaleString('en')} orders cannot afford yet.`,
    )
  }
  const k = await getSetting(db, 'k_anonymity')
  const cells = planCommerce(await contributions(db), k)
  const period = periodKey(input)
  const inPeriod = (p: string) => isMonth(p) && periodsOf(p).includes(period)
  const pick = (c: Cell): Record<string, string> | null => {
    const [level, p, ...place] =
      c.key.length === 1 ? ['total', ...c.key] : c.key.length === 2 ? ['country', ...c.key] : ['region', ...c.key]
    if (input.by === 'month') return level === 'total' && inPeriod(p!) ? { month: p! } : null
    if (input.by === 'country') return level === 'country' && p === period ? { country: place[0]! } : null
    if (input.by === 'region') return level === 'region' && p === period ? { country: place[0]!, region: place[1]! } : null
    return level === 'country' && inPeriod(p!) ? { month: p!, country: place[0]! } : null
  }
  const rows = [...cells.values()]
    .flatMap((c) => {
      const dims = pick(c)
      return dims ? [{ dims, c }] : []
    })
    .sort((a, b) =>
      JSON.stringify([...Object.values(a.dims), a.c.currency]).localeCompare(JSON.stringify([...Object.values(b.dims), b.c.currency])),
    )
    .map(({ dims, c }) => ({
      ...dims,
      currency: c.currency,
      orders: c.suppressed ? null : c.orders,
      revenue_cents: c.suppressed ? null : c.revenue,
      average_cents: c.suppressed ? null : Math.round(c.revenue / c.orders),
      suppressed: c.suppressed,
    }))
  return { k, by: input.by, from: input.from ?? null, to: input.to ?? null, period, rows }
}

/**
 * Buyers per month: new ones (whose first sale ever fell in that month) and returning ones (who had bought before).
 * Counts under k are null.
 */
export async function buyers(db: Kysely<Database>, { from, to }: RangeInput) {
  const k = await getSetting(db, 'k_anonymity')
  const month = yearMonth(db, sql.ref('o.placed_at'))
  const firstMonth = db
    .selectFrom('orders as f')
    .where('f.status', 'not in', NOT_SALES)
    .where('f.customer_id', 'is not', null)
    .select(['f.customer_id', (eb) => eb.fn.min('f.placed_at').as('first_at')])
    .groupBy('f.customer_id')
  let query = db
    .selectFrom('orders as o')
    .innerJoin(firstMonth.as('first'), 'first.customer_id', 'o.customer_id')
    .where('o.status', 'not in', NOT_SALES)
    .select([
      month.as('month'),
      sql<number | string>`count(distinct case when ${yearMonth(db, sql.ref('first.first_at'))} = ${month} then o.customer_id end)`.as(
        'new',
      ),
      sql<number | string>`count(distinct case when ${yearMonth(db, sql.ref('first.first_at'))} < ${month} then o.customer_id end)`.as(
        'returning',
      ),
    ])
    .groupBy(month)
    .orderBy(month)
  if (from) query = query.where('o.placed_at', '>=', `${from}T00:00:00.000Z`)
  if (to) query = query.where('o.placed_at', '<', nextDay(to))
  const shown = (n: number | string) => (Number(n) < k ? null : Number(n))
  const rows = (await query.execute()).map((r) => {
    const [newBuyers, returning] = [shown(r.new), shown(r.returning)]
    return { month: r.month, new: newBuyers, returning, suppressed: newBuyers === null || returning === null }
  })
  return { k, from: from ?? null, to: to ?? null, rows }
}
