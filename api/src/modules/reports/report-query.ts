/**
 * What a report may be asked: the dimensions of each table and the whole calendar periods of docs/decisions/0011-reports-cell-key.md,
 * shared by the report routes and the partner exports so that an export can ask nothing the reports refuse.
 */
import { z } from 'zod'
import { isoDay } from '../../platform/validation.js'
import { COMMERCE_TABLES, type CommerceBy } from './commerce.js'
import { DIMENSIONS, periodOf } from './reports.service.js'

export const day = isoDay('A date as YYYY-MM-DD')

/** The demographics' dimensions, as a query gives them: "age_band,country", up to three, each once. */
export const demographicsBy = z
  .string()
  .default('age_band')
  .transform((s) => s.split(',').map((d) => d.trim()))
  .pipe(
    z
      .array(z.enum(DIMENSIONS, `Dimensions are: ${DIMENSIONS.join(', ')}`))
      .min(1)
      .max(3, 'At most three dimensions')
      .refine((a) => new Set(a).size === a.length, 'Each dimension once'),
  )

const COMMERCE_BY = Object.keys(COMMERCE_TABLES) as [CommerceBy, ...CommerceBy[]]
/** The commerce tables: by month, country, region or month and country. */
export const commerceBy = z.enum(COMMERCE_BY, `By one of: ${COMMERCE_BY.join(', ')}`).default('month')

/** Both ends of a range or neither, and then one whole calendar month, quarter or year. */
export function wholePeriod<T extends z.ZodType<{ from?: string; to?: string }>>(schema: T) {
  return schema
    .refine((q) => !q.from === !q.to, { message: 'Give both ends of the range, or neither', path: ['to'] })
    .refine((q) => !q.from || !q.to || periodOf(q.from, q.to), {
      message: 'A range is one calendar month, quarter or year (from its first day to its last)',
      path: ['to'],
    })
}

export const DemographicsQuery = wholePeriod(z.strictObject({ by: demographicsBy, from: day.optional(), to: day.optional() }))
export const CommerceQuery = wholePeriod(z.strictObject({ by: commerceBy, from: day.optional(), to: day.optional() }))
export const PeriodQuery = wholePeriod(z.strictObject({ from: day.optional(), to: day.optional() }))
