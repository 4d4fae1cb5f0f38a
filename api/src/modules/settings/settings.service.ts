import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { notFound } from '../../platform/errors.js'
import type { Trx } from '../../platform/transaction.js'
import { hasTwoPlaces } from '../reports/noise.js'

/**
 * Every setting, with its bounds and default; the settings table only holds what an admin changed. `twoPerson` names the
 * changes a compliance officer must approve (needsSecondPerson).
 */
export const SETTINGS = {
  unmask_window_minutes: { schema: z.number().int().min(1).max(120), default: 15, twoPerson: 'any' },
  verification_ttl_minutes: { schema: z.number().int().min(1).max(30), default: 5, twoPerson: 'any' },
  /** failed verifications and wrong one-time codes for one customer in a day before the customer is locked */
  verification_failures_per_day: { schema: z.number().int().min(1).max(10), default: 3, twoPerson: 'any' },
  /** customers an agent's verifications failed for in an hour before the agent is stopped */
  agent_failed_customers_per_hour: { schema: z.number().int().min(2).max(50), default: 5, twoPerson: 'any' },
  /** customers an agent opened verifications for in an hour without passing any, before the agent is stopped */
  agent_unverified_customers_per_hour: { schema: z.number().int().min(3).max(100), default: 10, twoPerson: 'any' },
  /** customer lookups (searches and masked record reads) per staff member per minute; a busy agent runs a few */
  searches_per_minute: { schema: z.number().int().min(5).max(600), default: 30, twoPerson: 'any' },
  /** and per hour, so that a sweep kept under the minute's rate still meets a limit */
  searches_per_hour: { schema: z.number().int().min(20).max(10_000), default: 300, twoPerson: 'any' },
  /** password-reset links sent to one customer in a day; each new one ends the ones before */
  reset_links_per_customer_per_day: { schema: z.number().int().min(1).max(10), default: 3, twoPerson: 'any' },
  /** one-time codes sent to one customer in a day */
  codes_per_customer_per_day: { schema: z.number().int().min(1).max(20), default: 5, twoPerson: 'any' },
  k_anonymity: { schema: z.number().int().min(5).max(100), default: 10, twoPerson: 'lower' },
  /** data requests from customers in GDPR countries (EU, EEA, UK): due in a month, extendable once by up to two more */
  request_due_gdpr_months: { schema: z.number().int().min(1).max(3), default: 1 },
  request_extension_gdpr_months: { schema: z.number().int().min(0).max(2), default: 2 },
  /** from customers in the United States: 45 days, extendable once by 45 */
  request_due_us_days: { schema: z.number().int().min(1).max(90), default: 45 },
  request_extension_us_days: { schema: z.number().int().min(0).max(90), default: 45 },
  /** from customers anywhere else */
  request_due_other_days: { schema: z.number().int().min(1).max(90), default: 30 },
  request_extension_other_days: { schema: z.number().int().min(0).max(90), default: 30 },
  /** how long the download link of an access export works */
  export_link_days: { schema: z.number().int().min(1).max(30), default: 7 },
  /** retention: access logs are deleted after this many months */
  retention_access_log_months: { schema: z.number().int().min(1).max(120), default: 13 },
  /** retention: verification questions, one-time codes and search hits are pruned after this many days */
  retention_verification_days: { schema: z.number().int().min(7).max(3650), default: 90 },
  /** retention: a sent message's recipient and details are cleared after this many days */
  retention_outbox_days: { schema: z.number().int().min(1).max(3650), default: 30 },
  /** the total privacy loss ε of noisy partner exports in a calendar year, UTC (docs/decisions/0013-partner-export-noise.md) */
  export_epsilon_per_year: {
    schema: z.number().min(0.5).max(20).refine(hasTwoPlaces, 'At most two decimal places'),
    default: 3,
    twoPerson: 'raise',
  },
} as const

export type SettingKey = keyof typeof SETTINGS
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[]

export async function getSetting(db: Kysely<Database>, key: SettingKey): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  return row ? (JSON.parse(row.value) as number) : SETTINGS[key].default
}

export async function listSettings(db: Kysely<Database>) {
  const rows = await db.selectFrom('settings').selectAll().execute()
  const byKey = new Map(rows.map((r) => [r.key, r]))
  return SETTING_KEYS.map((key) => {
    const row = byKey.get(key)
    return {
      id: key,
      value: row ? (JSON.parse(row.value) as number) : SETTINGS[key].default,
      default: SETTINGS[key].default,
      updated_at: row?.updated_at ?? null,
      updated_by: row?.updated_by ?? null,
    }
  })
}

export async function getSettingRecord(db: Kysely<Database>, key: string) {
  const record = (await listSettings(db)).find((s) => s.id === key)
  if (!record) throw notFound('Setting')
  return record
}

/**
 * Which changes need a second person (grants.service.ts): lowering k, raising the yearly export budget, and any change to
 * a limit that stops an agent or protects a caller. Anything else takes effect at once.
 */
export function needsSecondPerson(key: SettingKey, from: number, to: number): boolean {
  const rule = (SETTINGS[key] as { twoPerson?: 'lower' | 'raise' | 'any' }).twoPerson
  return rule === 'any' ? from !== to : rule === 'lower' ? to < from : rule === 'raise' ? to > from : false
}

/** Writes a setting and its audit entry (from → to), inside the caller's transaction. */
export async function writeSetting(trx: Trx, ctx: StaffContext, key: SettingKey, value: number, details: { grant_id?: number } = {}) {
  const before = await getSetting(trx, key)
  const values = { value: JSON.stringify(value), updated_at: ctx.now.toISOString(), updated_by: ctx.staff.id }
  await trx
    .insertInto('settings')
    .values({ key, ...values })
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute()
  await audit(trx, ctx, {
    action: 'settings.update',
    entityType: 'setting',
    entityId: key,
    details: { from: before, to: value, ...details },
  })
}
