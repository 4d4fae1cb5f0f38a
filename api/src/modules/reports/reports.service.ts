import { type Database, yearMonth } from '@verity/db'
import { type Kysely, sql } from 'kysely'
import { getSetting } from '../settings/settings.service.js'
import { suppressSmallCells } from './suppression.js'

export const DIMENSIONS = ['age_band', 'gender', 'country', 'region', 'signup_month'] as const
export type Dimension = (typeof DIMENSIONS)[number]

const AGE_BANDS = [
  ['under_13', 13],
  ['13-17', 18],
  ['18-24', 25],
  ['25-34', 35],
  ['35-44', 45],
  ['45-54', 55],
  ['55-64', 65],
] as const

const BAND_ORDER: string[] = [...AGE_BANDS.map(([band]) => band), '65+', 'unknown']

/** Birth dates compared with the dates each band starts on: plain text comparison, the same in both dialects. */
function ageBandSql(now: Date) {
  const bornAfter = (years: number) => {
    const d = new Date(now)
    d.setUTCFullYear(d.getUTCFullYear() - years)
    return d.toISOString().slice(0, 10)
  }
  const whens = AGE_BANDS.map(([band, upTo]) => sql`when birth_date > ${bornAfter(upTo)} then ${band}`)
  return sql<string>`case when birth_date is null then 'unknown' ${sql.join(whens, sql` `)} else '65+' end`
}

/** Counts of customers (erased ones excluded) by the chosen dimensions, with small cells suppressed. */
export async function demographics(db: Kysely<Database>, by: Dimension[], now: Date) {
  const k = await getSetting(db, 'k_anonymity')
  const expressions = {
    age_band: ageBandSql(now),
    gender: sql<string>`coalesce(gender, 'unknown')`,
    country: sql<string>`coalesce(country, 'unknown')`,
    region: sql<string>`coalesce(region, 'unknown')`,
    signup_month: yearMonth(db, sql.ref('created_at')),
  }
  // Each dimension is computed once in an inner query and grouped by name outside it: PostgreSQL does not take a
  // GROUP BY expression whose parameters are bound apart from the same expression in SELECT.
  const described = db
    .selectFrom('customers')
    .where('status', '!=', 'erased')
    .select(by.map((d) => expressions[d].as(d)))
    .as('described')
  let query = db.selectFrom(described).select((eb) => eb.fn.countAll<number>().as('count'))
  for (const d of by)
    query = query
      .select(sql.ref<string>(`described.${d}`).as(d))
      .groupBy(sql.ref(`described.${d}`))
      .orderBy(sql.ref(`described.${d}`))
  const rows = (await query.execute()) as unknown as Record<string, string | number>[]
  // Age bands read youngest first, not in the order their names sort.
  if (by.includes('age_band')) rows.sort((a, b) => BAND_ORDER.indexOf(String(a.age_band)) - BAND_ORDER.indexOf(String(b.age_band)))
  const cells = rows.map((r) => ({ key: by.map((d) => String(r[d])), count: Number(r.count) }))
  const published = suppressSmallCells(cells, k)
  return {
    k,
    by,
    rows: published.map((c) => ({ ...Object.fromEntries(by.map((d, i) => [d, c.key[i]])), count: c.count, suppressed: c.suppressed })),
  }
}
