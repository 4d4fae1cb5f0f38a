import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { tooManyAttempts } from '../../platform/errors.js'

/** Online guessing limits: per account and per client address, over a sliding 15-minute window. */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  perEmail: 5,
  perIp: 50,
}

export const throttleKeys = (email: string, ip: string | null) => [
  { key: `email:${email}`, limit: THROTTLE.perEmail },
  ...(ip ? [{ key: `ip:${ip}`, limit: THROTTLE.perIp }] : []),
]

/** Refuses (429 with Retry-After) while any of the keys is locked. */
export async function assertNotThrottled(db: Kysely<Database>, keys: { key: string }[], now: Date): Promise<void> {
  const locked = await db
    .selectFrom('login_throttle')
    .select('locked_until')
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .where('locked_until', '>', now.toISOString())
    .orderBy('locked_until', 'desc')
    .executeTakeFirst()
  if (locked?.locked_until) {
    const seconds = (Date.parse(locked.locked_until) - now.getTime()) / 1000
    throw tooManyAttempts('Too many failed sign-ins. Wait before trying again.', seconds)
  }
}

export async function recordFailure(db: Kysely<Database>, keys: { key: string; limit: number }[], now: Date) {
  for (const { key, limit } of keys) {
    const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst()
    const fresh = !row || now.getTime() - Date.parse(row.window_started_at) > THROTTLE.windowMs
    const failures = fresh ? 1 : row.failures + 1
    const values = {
      failures,
      window_started_at: fresh ? now.toISOString() : row.window_started_at,
      locked_until: failures >= limit ? new Date(now.getTime() + THROTTLE.lockMs).toISOString() : null,
    }
    await db
      .insertInto('login_throttle')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute()
  }
}

export async function clearFailures(db: Kysely<Database>, key: string) {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute()
}
