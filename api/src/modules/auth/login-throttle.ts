import { type Database, lockForUpdate } from '@verity/db'
import type { Kysely } from 'kysely'
import { because, tooManyAttempts } from '../../platform/errors.js'

/**
 * Online guessing limits, counted over a window that opens at the first failure of a key.
 * - An account locks (from every address) for `lockMs` after `perAccount` failures: a guesser spread over many addresses
 *   gets that many tries per window.
 * - An account locks for one address after `perAccountAddress` failures from it: a lone guesser locks only itself out,
 *   not the account's owner signing in from elsewhere.
 * - An address is never locked, because an office proxy puts every colleague behind one: past `perAddress` failures it
 *   may only try once every `addressSpacingMs`, which slows a guesser spraying many accounts to a crawl while a colleague
 *   waits a few seconds at most.
 * Every attempt is charged before its password is checked, so parallel attempts cannot outrun a limit (docs/design.md
 * promise 10); a successful one is refunded.
 */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  perAccount: 10,
  perAccountAddress: 5,
  perAddress: 50,
  addressSpacingMs: 5_000,
} as const

/** A counter an attempt is charged to: one that locks when its limit is reached, or one that only spaces attempts out. */
export type ThrottleKey = { key: string; kind: 'lock'; limit: number } | { key: string; kind: 'spacing'; after: number }

export const accountKey = (email: string): ThrottleKey => ({ key: `email:${email}`, kind: 'lock', limit: THROTTLE.perAccount })
export const accountAddressKey = (email: string, ip: string): ThrottleKey => ({
  key: `email_ip:${email}|${ip}`,
  kind: 'lock',
  limit: THROTTLE.perAccountAddress,
})
export const addressKey = (ip: string): ThrottleKey => ({ key: `ip:${ip}`, kind: 'spacing', after: THROTTLE.perAddress })

/** The counters a sign-in (or a check of one's current password) is charged to. */
export function throttleKeys(email: string, ip: string | null, { spaceAddress = true } = {}): ThrottleKey[] {
  if (!ip) return [accountKey(email)]
  return [accountKey(email), accountAddressKey(email, ip), ...(spaceAddress ? [addressKey(ip)] : [])]
}

/**
 * Charges one attempt to every key, or refuses with 429 and Retry-After. Call it inside a transaction, before the
 * password is checked: the charge stands as the failure unless `refundAttempt` takes it back.
 */
export async function reserveAttempt(trx: Kysely<Database>, keys: ThrottleKey[], now: Date): Promise<void> {
  const at = now.toISOString()
  const windowOpenedBefore = new Date(now.getTime() - THROTTLE.windowMs).toISOString()
  // one order for every transaction, so that two of them on PostgreSQL never wait on each other's rows crosswise
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1))

  for (const k of sorted) {
    await trx
      .insertInto('login_throttle')
      .values({ key: k.key, failures: 0, window_started_at: at, locked_until: null })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
    // A new window once the last one is over; for a locking key also once its lock has ended. A spacing key keeps
    // counting while it spaces, or it would space only one attempt.
    await trx
      .updateTable('login_throttle')
      .set({ failures: 0, window_started_at: at, locked_until: null })
      .where('key', '=', k.key)
      .where((eb) =>
        k.kind === 'lock'
          ? eb.or([
              eb.and([eb('locked_until', 'is', null), eb('window_started_at', '<=', windowOpenedBefore)]),
              eb('locked_until', '<=', at),
            ])
          : eb.and([
              eb('window_started_at', '<=', windowOpenedBefore),
              eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]),
            ]),
      )
      .execute()
  }

  const rows = await lockForUpdate(
    trx,
    trx
      .selectFrom('login_throttle')
      .selectAll()
      .where(
        'key',
        'in',
        sorted.map((k) => k.key),
      )
      .orderBy('key'),
  ).execute()
  refuseIfLocked(sorted, rows, now)

  for (const k of sorted) {
    const until = new Date(now.getTime() + (k.kind === 'lock' ? THROTTLE.lockMs : THROTTLE.addressSpacingMs)).toISOString()
    const threshold = k.kind === 'lock' ? k.limit : k.after
    let charge = trx
      .updateTable('login_throttle')
      .set((eb) => ({
        failures: eb('failures', '+', 1),
        // reaching the limit locks; a spacing key past its threshold holds every attempt apart
        locked_until: eb
          .case()
          .when('failures', '>=', threshold - 1)
          .then(until)
          .else(eb.ref('locked_until'))
          .end(),
      }))
      .where('key', '=', k.key)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    if (k.kind === 'lock') charge = charge.where('failures', '<', k.limit)
    const { numUpdatedRows } = await charge.executeTakeFirstOrThrow()
    if (numUpdatedRows === 0n) {
      // Only reachable if another transaction changed the row after it was read: refuse as its new state says.
      const current = await trx.selectFrom('login_throttle').selectAll().where('key', '=', k.key).execute()
      refuseIfLocked([k], current, now)
      throw refusal(k, THROTTLE.addressSpacingMs / 1000)
    }
  }
}

/** Takes back the attempt charged by `reserveAttempt` once the password proved right: the account's counters start over. */
export async function refundAttempt(trx: Kysely<Database>, keys: ThrottleKey[]): Promise<void> {
  for (const k of keys) {
    if (k.kind === 'lock') {
      await trx.deleteFrom('login_throttle').where('key', '=', k.key).execute()
    } else {
      // the address keeps its other failures: a colleague's success does not hide a guesser behind the same proxy
      await trx
        .updateTable('login_throttle')
        .set((eb) => ({ failures: eb('failures', '-', 1) }))
        .where('key', '=', k.key)
        .where('failures', '>', 0)
        .execute()
    }
  }
}

function refuseIfLocked(keys: ThrottleKey[], rows: { key: string; locked_until: string | null }[], now: Date): void {
  let worst: { key: ThrottleKey; seconds: number } | undefined
  for (const row of rows) {
    if (!row.locked_until) continue
    const seconds = (Date.parse(row.locked_until) - now.getTime()) / 1000
    const key = keys.find((k) => k.key === row.key)
    if (key && seconds > 0 && (!worst || seconds > worst.seconds)) worst = { key, seconds }
  }
  if (worst) throw refusal(worst.key, worst.seconds)
}

const refusal = (key: ThrottleKey, seconds: number) =>
  because(
    'sign_in_throttled',
    tooManyAttempts(
      key.kind === 'lock'
        ? 'Too many failed sign-ins. Wait before trying again.'
        : 'Too many sign-in attempts from your network. Try again in a few seconds.',
      seconds,
    ),
    { seconds: Math.ceil(seconds) },
  )
