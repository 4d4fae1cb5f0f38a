import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { getSetting } from '../settings/settings.service.js'
import { periodOf } from './reports.service.js'
import { monthsOf, periodsOf, refreshSummaries, sameUntilChanged, type SummaryContext } from './summaries.js'

/** The tables the commerce report publishes, and the dimensions of each. A region is named with its country. */
export const COMMERCE_TABLES = {
  month: ['month'],
  country: ['country'],
  region: ['country', 'region'],
  'month,country': ['month', 'country'],
} as const
export type CommerceBy = keyof typeof COMMERCE_TABLES

export interface RangeInput {
  /** placed dates, inclusive, ISO YYYY-MM-DD (UTC) */
  from?: string
  to?: string
}

/**
 * Every sales cell of every period, region and currency from the summary (summaries.ts), with the country and total
 * cells they add up to: a customer lives in one region, so customers add up too, and the largest contribution of a
 * country is the largest of its regions'.
 */
async function salesCells(db: Kysely<Database>) {
  const cells = new Map<string, Cell>()
  const add = (name: string, key: string[], r: Database['sales_cells']) => {
    const cell = cells.get(name) ?? { key, currency: r.currency, orders: 0, revenue: 0, customers: 0, largest: 0, suppressed: false }
    cell.orders += Number(r.orders)
    cell.revenue += Number(r.revenue)
    cell.customers += Number(r.customers)
    cell.largest = Math.max(cell.largest, Number(r.largest))
    cells.set(name, cell)
  }
  for (const r of await db.selectFrom('sales_cells').selectAll().execute()) {
    add(nameOf('total', r.period, [], r.currency), [r.period], r)
    add(nameOf('country', r.period, [r.country], r.currency), [r.period, r.country], r)
    add(nameOf('region', r.period, [r.country, r.region], r.currency), [r.period, r.country, r.region], r)
  }
  return cells
}

interface Cell {
  key: string[]
  currency: string
  orders: number
  revenue: number
  /** how many customers bought, and the most one of them spent */
  customers: number
  largest: number
  suppressed: boolean
}

/**
 * Whether a cell's figures may be shown: at least k customers contribute and none brings more than half the revenue
 * (the dominance rule, so no contributor can work out another's spending from the total).
 */
export function isSafe(cell: Pick<Cell, 'revenue' | 'customers' | 'largest'>, k: number) {
  if (cell.customers < k) return false
  return !(cell.revenue > 0 && cell.largest * 2 > cell.revenue)
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
export function planCommerce(cells: Map<string, Cell>, k: number) {
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
export async function commerce(db: Kysely<Database>, ctx: SummaryContext, input: RangeInput & { by: CommerceBy }) {
  const { version } = await refreshSummaries(db, ctx)
  const k = await getSetting(db, 'k_anonymity')
  // Planned once per change of the summaries, for every table of every period at once; each table published once too.
  const plan = () => sameUntilChanged(db, JSON.stringify(['commerce plan', k]), version, async () => planCommerce(await salesCells(db), k))
  return sameUntilChanged(db, JSON.stringify(['commerce', k, input]), version, async () => publishCommerce(await plan(), k, input))
}

function publishCommerce(cells: Map<string, Cell>, k: number, input: RangeInput & { by: CommerceBy }) {
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
export async function buyers(db: Kysely<Database>, ctx: SummaryContext, { from, to }: RangeInput) {
  await refreshSummaries(db, ctx)
  const k = await getSetting(db, 'k_anonymity')
  let query = db.selectFrom('buyer_months').selectAll().orderBy('month')
  const months = from && to ? monthsOf(periodKey({ from, to })) : null
  if (months) query = query.where('month', '>=', months[0]).where('month', '<=', months[1])
  const shown = (n: number) => (n < k ? null : n)
  const rows = (await query.execute()).map((r) => {
    const [newBuyers, returning] = [shown(Number(r.new_buyers)), shown(Number(r.returning_buyers))]
    return { month: r.month, new: newBuyers, returning, suppressed: newBuyers === null || returning === null }
  })
  return { k, from: from ?? null, to: to ?? null, rows }
}
