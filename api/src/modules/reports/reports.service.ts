import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { getSetting } from '../settings/settings.service.js'
import { BAND_ORDER } from './age-bands.js'
import { type CountedCell, PERTURBATION_BOUND, publishCells } from './cell-key.js'
import { refreshSummaries, sameUntilChanged, type SummaryContext } from './summaries.js'

export const DIMENSIONS = ['age_band', 'gender', 'country', 'region', 'signup_month'] as const
export type Dimension = (typeof DIMENSIONS)[number]

export interface DemographicsInput {
  by: Dimension[]
  /** signup dates, inclusive, ISO YYYY-MM-DD (UTC) */
  from?: string
  to?: string
}

/**
 * The calendar period a signup range covers: one whole month, quarter or year, or null for any other range. Only these are
 * asked, so the ranges nest and never overlap part-way: free ranges would give a small group as the difference of many
 * pairs of overlapping ranges, each perturbed afresh, and averaging those differences finds its true count
 * (docs/decisions/0011-reports-cell-key.md).
 */
export function periodOf(from: string, to: string): 'month' | 'quarter' | 'year' | null {
  if (!from.endsWith('-01')) return null
  const year = Number(from.slice(0, 4))
  const month = Number(from.slice(5, 7))
  const lastDayAfter = (months: number) => new Date(Date.UTC(year, month - 1 + months, 0)).toISOString().slice(0, 10)
  if (to === lastDayAfter(1)) return 'month'
  if (to === lastDayAfter(3) && month % 3 === 1) return 'quarter'
  if (to === lastDayAfter(12) && month === 1) return 'year'
  return null
}

/**
 * The true cells of a demographics table: how many customers (erased ones excluded) who signed up in the period fall in
 * each combination of the chosen dimensions' values, and each cell's key, read from the summary (summaries.ts). Never
 * published as they are.
 */
export async function demographicCells(db: Kysely<Database>, ctx: SummaryContext, input: DemographicsInput): Promise<CountedCell[]> {
  await refreshSummaries(db, ctx)
  return readCells(db, input)
}

async function readCells(db: Kysely<Database>, { by, from, to }: DemographicsInput): Promise<CountedCell[]> {
  let query = db
    .selectFrom('customer_cells')
    .select([
      ...by,
      (eb) => eb.fn.sum<number | string>('customers').as('count'),
      (eb) => eb.fn.sum<number | string>('key_sum').as('key_sum'),
    ])
    .groupBy(by)
  // Periods are whole months, so the signup month says who is in one.
  if (from && to) query = query.where('signup_month', '>=', from.slice(0, 7)).where('signup_month', '<=', to.slice(0, 7))
  return (await query.execute()).map((r) => ({
    key: by.map((d) => (r as Record<Dimension, string>)[d]),
    count: Number(r.count),
    cellKey: Number(r.key_sum) % 2 ** 32,
  }))
}

/**
 * Customers (erased ones excluded) who signed up in the range, counted by the chosen dimensions and published by the
 * cell-key method (cell-key.ts): every cell perturbed by its own key, cells under k hidden.
 */
export async function demographics(db: Kysely<Database>, ctx: SummaryContext, input: DemographicsInput) {
  const { version } = await refreshSummaries(db, ctx)
  const k = await getSetting(db, 'k_anonymity')
  return sameUntilChanged(db, JSON.stringify(['demographics', k, input]), version, async () =>
    publishDemographics(await readCells(db, input), k, input),
  )
}

function publishDemographics(cells: CountedCell[], k: number, { by, from, to }: DemographicsInput) {
  // Age bands read youngest first; everything else in the order of its values.
  const order = (d: Dimension, a: string, b: string) =>
    d === 'age_band' ? BAND_ORDER.indexOf(a) - BAND_ORDER.indexOf(b) : a < b ? -1 : a > b ? 1 : 0
  const published = new Map(publishCells(cells, k).map((c) => [JSON.stringify(c.key), c]))
  // Hidden cells are listed over every combination of the values that appear in shown cells, whether anyone is in them
  // or not: listing only the groups that exist would tell a reader that each holds at least one person, and with that
  // floor the linked tables pin small counts exactly (docs/decisions/0011-reports-cell-key.md). Values no shown cell has
  // are not listed at all, so which of them exist is not told either.
  const domains = by.map((_, i) =>
    [...new Set([...published.values()].filter((c) => !c.suppressed).map((c) => c.key[i]!))].sort((a, b) => order(by[i]!, a, b)),
  )
  const combinations = domains.reduce<string[][]>((acc, values) => acc.flatMap((key) => values.map((v) => [...key, v])), [[]])
  const rows = domains.some((values) => !values.length)
    ? []
    : combinations.map((key) => {
        const cell = published.get(JSON.stringify(key))
        return {
          ...Object.fromEntries(by.map((d, i) => [d, key[i]])),
          count: cell && !cell.suppressed ? cell.count : null,
          suppressed: !cell || cell.suppressed,
        }
      })
  return {
    k,
    by,
    from: from ?? null,
    to: to ?? null,
    period: from && to ? periodOf(from, to) : 'all',
    /** no shown count is further than this from the truth */
    noise: PERTURBATION_BOUND,
    rows,
  }
}
