import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { getSetting } from '../settings/settings.service.js'

/** Where the GDPR applies: the European Union, the rest of the EEA, and the United Kingdom (UK GDPR). */
export const GDPR_COUNTRIES = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB'.split(' '),
)

export type DeadlineRule = 'gdpr' | 'us' | 'other'
export const ruleFor = (country: string | null): DeadlineRule =>
  country && GDPR_COUNTRIES.has(country) ? 'gdpr' : country === 'US' ? 'us' : 'other'

const addMonths = (from: Date, months: number) => {
  const d = new Date(from)
  const day = d.getUTCDate()
  d.setUTCMonth(d.getUTCMonth() + months)
  // 31 January plus a month is the last day of February, not 3 March.
  if (d.getUTCDate() !== day) d.setUTCDate(0)
  return d
}
const addDays = (from: Date, days: number) => new Date(from.getTime() + days * 86_400_000)

/** When a request filed now is due, by the rule of the customer's country (settings hold the periods). */
export async function dueDate(db: Kysely<Database>, country: string | null, filedAt: Date): Promise<Date> {
  switch (ruleFor(country)) {
    case 'gdpr':
      return addMonths(filedAt, await getSetting(db, 'request_due_gdpr_months'))
    case 'us':
      return addDays(filedAt, await getSetting(db, 'request_due_us_days'))
    case 'other':
      return addDays(filedAt, await getSetting(db, 'request_due_other_days'))
  }
}

/** The due date after the one extension a request may get; null where the rule allows none. */
export async function extendedDueDate(db: Kysely<Database>, country: string | null, dueAt: Date): Promise<Date | null> {
  switch (ruleFor(country)) {
    case 'gdpr': {
      const months = await getSetting(db, 'request_extension_gdpr_months')
      return months ? addMonths(dueAt, months) : null
    }
    case 'us': {
      const days = await getSetting(db, 'request_extension_us_days')
      return days ? addDays(dueAt, days) : null
    }
    case 'other': {
      const days = await getSetting(db, 'request_extension_other_days')
      return days ? addDays(dueAt, days) : null
    }
  }
}

/** Whole days until the due date, negative once overdue. */
export const daysLeft = (dueAt: string | null, now: Date) =>
  dueAt === null ? null : Math.ceil((Date.parse(dueAt) - now.getTime()) / 86_400_000)
