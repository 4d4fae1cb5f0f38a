import { type Database, yearMonth } from '@verity/db'
import { ageOn } from '../../platform/age.js'
import { type Kysely, sql } from 'kysely'
import type { RequestContext } from '../../platform/context.js'
import { getSetting } from '../settings/settings.service.js'
import { addKey, type CountedCell, PERTURBATION_BOUND, publishCells, recordKeys } from './cell-key.js'

export const DIMENSIONS = ['age_band', 'gender', 'country', 'region', 'signup_month'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Each band and the age it runs up to (not including). */
const AGE_BANDS = [
  ['under_13', 13],
  ['13-17', 18],
  ['18-24', 25],
  ['25-34', 35],
  ['35-44', 45],
  ['45-54', 55],
  ['55-64', 65],
] as const

export const BAND_ORDER: string[] = [...AGE_BANDS.map(([band]) => band), '65+', 'unknown']

/** The age band of a birth date on a day (UTC); 'unknown' without a birth date. */
export function ageBand(birthDate: string | null, today: string): string {
  if (!birthDate) return 'unknown'
  const age = ageOn(birthDate, today)
  return AGE_BANDS.find(([, upTo]) => age < upTo)?.[0] ?? '65+'
}

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

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString()

/**
 * Customers (erased ones excluded) who signed up in the range, counted by the chosen dimensions and published by the
 * cell-key method (cell-key.ts): every cell perturbed by its own key, cells under k hidden.
 */
export async function demographics(db: Kysely<Database>, ctx: Pick<RequestContext, 'now' | 'config'>, input: DemographicsInput) {
  const { by, from, to } = input
  const k = await getSetting(db, 'k_anonymity')
  let query = db
    .selectFrom('customers')
    .where('status', '!=', 'erased')
    .select(['id', 'birth_date', 'gender', 'country', 'region', yearMonth(db, sql.ref('created_at')).as('signup_month')])
  if (from) query = query.where('created_at', '>=', `${from}T00:00:00.000Z`)
  if (to) query = query.where('created_at', '<', nextDay(to))
  const today = ctx.now.toISOString().slice(0, 10)
  const keyOf = recordKeys(ctx.config.auditKey)
  const cells = new Map<string, CountedCell>()
  for (const c of await query.execute()) {
    const values: Record<Dimension, string> = {
      age_band: ageBand(c.birth_date, today),
      gender: c.gender ?? 'unknown',
      country: c.country ?? 'unknown',
      region: c.region ?? 'unknown',
      signup_month: c.signup_month,
    }
    const key = by.map((d) => values[d])
    const name = JSON.stringify(key)
    const cell = cells.get(name) ?? { key, count: 0, cellKey: 0 }
    cell.count++
    cell.cellKey = addKey(cell.cellKey, keyOf(Number(c.id)))
    cells.set(name, cell)
  }
  // Age bands read youngest first; everything else in the order of its values.
  const order = (d: Dimension, a: string, b: string) =>
    d === 'age_band' ? BAND_ORDER.indexOf(a) - BAND_ORDER.indexOf(b) : a < b ? -1 : a > b ? 1 : 0
  const published = new Map(publishCells([...cells.values()], k).map((c) => [JSON.stringify(c.key), c]))
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
