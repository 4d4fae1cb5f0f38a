import { type Database, holdAgainstWrites } from '@verity/db'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely'
import { audit, type AuditContext } from '../../platform/audit.js'
import type { AppConfig } from '../../platform/context.js'
import { maskContacts, maskEmail, maskPhone } from '../../platform/masking.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { THROTTLE } from '../auth/login-throttle.js'
import { getSetting } from '../settings/settings.service.js'

/** A run is a system act: no staff member, no address; the session rule tells which idle sessions are over. */
export type RetentionContext = AuditContext & { config: Pick<AppConfig, 'auditKey' | 'session'> }

/**
 * The longest window any `countEvent` caller counts over (one-time codes per customer per day): a counter whose window
 * started before that counts nothing any more, and deleting it is what its next use would do anyway.
 */
export const RATE_COUNTER_MAX_WINDOW_MS = 24 * 3_600_000

export interface RetentionCounts {
  access_logs: number
  verification_questions: number
  verification_codes: number
  verification_failures: number
  search_hits: number
  outbox_cleared: number
  rate_counters: number
  login_throttle: number
  staff_sessions: number
  /** expired password-reset links (their token hashes); named apart from the word the audit refuses in details */
  reset_links: number
  /** staff set-password links past their day, used or not */
  staff_links: number
  request_exports: number
  /** customers under legal hold who had something that would otherwise have gone */
  held_customers_skipped: number
}

const EMPTY_COUNTS: RetentionCounts = {
  access_logs: 0,
  verification_questions: 0,
  verification_codes: 0,
  verification_failures: 0,
  search_hits: 0,
  outbox_cleared: 0,
  rate_counters: 0,
  login_throttle: 0,
  staff_sessions: 0,
  reset_links: 0,
  staff_links: 0,
  request_exports: 0,
  held_customers_skipped: 0,
}

/**
 * Rows each rule deletes or clears at most in one pass, one transaction. A run takes passes until none is full: the first
 * run on years of data, or after a rule was shortened, deletes millions of rows, and on SQLite every writer waits for a
 * transaction until it ends (958,000 old sign-in records held the server 8 s in one, at 500,000 customers).
 */
export const ROWS_PER_PASS = 5_000
/** The tables whose rows a rule may find by the hundred thousand. */
type PrunedTable = 'access_logs' | 'verification_questions' | 'verification_codes' | 'verification_failures' | 'search_hits'

/** `months` calendar months before `now`, the day clamped to the month's last (31 March less one month is 28/29 February). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() - months)
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, lastDay))
  return d
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000)
const count = (result: { numDeletedRows: bigint } | { numUpdatedRows: bigint }) =>
  Number('numDeletedRows' in result ? result.numDeletedRows : result.numUpdatedRows)

/** Customers under a legal hold in force: nothing of theirs is deleted or cleared (docs/design.md promise 5). */
const heldCustomers = (trx: Trx) => trx.selectFrom('legal_holds').select('customer_id').where('released_at', 'is', null)

/** Messages sent (or recorded, or failed) before `before` not yet cleared: a masked email holds '***', a masked phone '•'. */
const uncleared = (trx: Trx, before: string) =>
  trx
    .selectFrom('outbox')
    .where('status', 'in', ['sent', 'recorded', 'failed'])
    .where((eb) => eb.or([eb('sent_at', '<', before), eb.and([eb('sent_at', 'is', null), eb('created_at', '<', before)])]))
    .where((eb) => eb.or([eb('payload', '<>', '{}'), eb.and([eb('recipient', 'not like', '%***%'), eb('recipient', 'not like', '%•%')])]))

/**
 * Enforces the retention rules kept in settings and answers the counts. A run is one pass, one transaction audited with
 * its counts, unless there is more to do than a pass takes (`rowsPerPass` a rule): then passes follow one another, each
 * whole or not at all and audited with its own counts, and the requests waiting meanwhile go between them. The last
 * pass also counts the customers a hold kept something of.
 *
 * - Access logs older than `retention_access_log_months` are deleted.
 * - After `retention_verification_days`, a verification keeps its row (that it happened, who ran it, how it ended) but
 *   loses its per-question results and one-time codes; failures and search hits of that age are deleted.
 * - A message sent (or recorded, or failed) more than `retention_outbox_days` ago keeps its record (template, channel,
 *   status, when) but its recipient is masked and its payload cleared: that it went stays, who it went to does not.
 * - Counters, throttles, sessions, reset tokens and access exports are deleted once they have expired.
 * Customers under legal hold are skipped by every rule that concerns a customer.
 *
 * Disclosure records, their subjects, amendments, attachments and legal holds, and data requests with their results
 * (the accounting of disclosures and of requests) are kept six years, so nothing here deletes them; nor orders, which
 * the accounts keep. The audit log is append-only and never pruned.
 */
export async function runRetention(
  db: Kysely<Database>,
  ctx: RetentionContext,
  {
    rowsPerPass = ROWS_PER_PASS,
    stopping = () => false,
  }: {
    rowsPerPass?: number
    /** asked between passes: a stopping server ends a long run there, and the next run carries on */
    stopping?: () => boolean
  } = {},
): Promise<RetentionCounts> {
  if (!Number.isInteger(rowsPerPass) || rowsPerPass < 1)
    throw new RangeError(`rowsPerPass must be a whole number of 1 or more, not ${rowsPerPass}`)
  const total = { ...EMPTY_COUNTS }
  let outboxAfter = 0
  for (let pass = 1; ; pass++) {
    const done = await inTransaction(db, (trx) => retentionPass(trx, ctx, { pass, limit: rowsPerPass, outboxAfter }))
    for (const key of Object.keys(done.counts) as (keyof RetentionCounts)[]) total[key] += done.counts[key]
    if (!done.more || stopping()) return total
    outboxAfter = done.outboxAfter
    // the requests that waited for this pass go first
    await yieldToEventLoop()
  }
}

/** One pass: every rule, each deleting or clearing at most `limit` rows, in one transaction audited with its counts. */
async function retentionPass(
  trx: Trx,
  ctx: RetentionContext,
  { pass, limit, outboxAfter }: { pass: number; limit: number; outboxAfter: number },
) {
  // A hold placed while the pass is under way waits for it, so that every rule sees the same holds (promise 10).
  await holdAgainstWrites(trx, 'legal_holds')
  const rules = {
    access_log_months: await getSetting(trx, 'retention_access_log_months'),
    verification_days: await getSetting(trx, 'retention_verification_days'),
    outbox_days: await getSetting(trx, 'retention_outbox_days'),
  }
  const now = ctx.now.toISOString()
  const logsBefore = monthsBefore(ctx.now, rules.access_log_months).toISOString()
  const verificationBefore = daysBefore(ctx.now, rules.verification_days).toISOString()
  const outboxBefore = daysBefore(ctx.now, rules.outbox_days).toISOString()
  // Whether some rule found as many rows as a pass takes: then another pass follows.
  let full = false
  /** Deletes up to `limit` of the rows `which` picks, by id (PostgreSQL has no DELETE … LIMIT). */
  const deleteUpTo = async (table: PrunedTable, which: (eb: ExpressionBuilder<Database, PrunedTable>) => Expression<SqlBool>) => {
    const picked = trx.selectFrom(table).select('id').where(which).limit(limit)
    const deleted = count(await trx.deleteFrom(table).where('id', 'in', picked).executeTakeFirstOrThrow())
    if (deleted >= limit) full = true
    return deleted
  }

  const access_logs = await deleteUpTo('access_logs', (eb) =>
    eb.and([eb('at', '<', logsBefore), eb('customer_id', 'not in', heldCustomers(trx))]),
  )

  // Verification detail. A verification that a pending data request rests on keeps its questions until the request is
  // decided: which fields verified the caller is part of that decision. Each row still held is checked against its
  // verification (by id): the verifications themselves stay for good, and a run that went through every old one to find
  // the few with something left took a second at a million.
  const pendingRequests = trx
    .selectFrom('data_requests')
    .select('verification_id')
    .where('status', '=', 'pending')
    .where('verification_id', 'is not', null)
    .$narrowType<{ verification_id: number }>()
  const ofOldVerification = (table: 'verification_questions' | 'verification_codes') =>
    deleteUpTo(table, (eb) =>
      eb.exists(
        eb
          .selectFrom('verifications as v')
          .select('v.id')
          .whereRef('v.id', '=', `${table}.verification_id`)
          .where('v.created_at', '<', verificationBefore)
          .where('v.customer_id', 'not in', heldCustomers(trx))
          .where('v.id', 'not in', pendingRequests),
      ),
    )
  const verification_questions = await ofOldVerification('verification_questions')
  const verification_codes = await ofOldVerification('verification_codes')
  let verification_failures = 0
  let search_hits = 0
  for (const table of ['verification_failures', 'search_hits'] as const) {
    const deleted = await deleteUpTo(table, (eb) =>
      eb.and([eb('at', '<', verificationBefore), eb('customer_id', 'not in', heldCustomers(trx))]),
    )
    if (table === 'verification_failures') verification_failures = deleted
    else search_hits = deleted
  }

  // Outbox: each pass goes on after the last message the one before it read.
  const messages = await uncleared(trx, outboxBefore)
    .select(['id', 'customer_id', 'channel', 'recipient', 'payload', 'last_error'])
    .where('id', '>', outboxAfter)
    .where((eb) => eb.or([eb('customer_id', 'is', null), eb('customer_id', 'not in', heldCustomers(trx))]))
    .orderBy('id')
    .limit(limit)
    .execute()
  if (messages.length >= limit) full = true
  let outbox_cleared = 0
  for (const m of messages) {
    const recipient = (m.channel === 'email' ? maskEmail(m.recipient) : maskPhone(m.recipient)) ?? m.recipient
    const last_error = maskContacts(m.last_error)
    if (recipient === m.recipient && m.payload === '{}' && last_error === m.last_error) continue
    await trx.updateTable('outbox').set({ recipient, payload: '{}', last_error }).where('id', '=', m.id).execute()
    outbox_cleared++
  }

  // What has expired, whoever it concerned: a day's worth at most, and kept small by every run.
  const rate_counters = count(
    await trx
      .deleteFrom('rate_counters')
      .where('window_started_at', '<=', new Date(ctx.now.getTime() - RATE_COUNTER_MAX_WINDOW_MS).toISOString())
      .executeTakeFirstOrThrow(),
  )
  // the window and the lock both over: the next attempt would start the key afresh anyway
  const login_throttle = count(
    await trx
      .deleteFrom('login_throttle')
      .where('window_started_at', '<=', new Date(ctx.now.getTime() - THROTTLE.windowMs).toISOString())
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirstOrThrow(),
  )
  const staff_sessions = count(
    await trx
      .deleteFrom('staff_sessions')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', now),
          eb('last_used_at', '<=', new Date(ctx.now.getTime() - ctx.config.session.idleMs).toISOString()),
        ]),
      )
      .executeTakeFirstOrThrow(),
  )
  const reset_links = count(await trx.deleteFrom('password_reset_tokens').where('expires_at', '<=', now).executeTakeFirstOrThrow())
  const staff_links = count(await trx.deleteFrom('staff_password_links').where('expires_at', '<=', now).executeTakeFirstOrThrow())
  // an export's link works until it expires, downloaded or not; after that its content has no use
  const request_exports = count(await trx.deleteFrom('request_exports').where('expires_at', '<=', now).executeTakeFirstOrThrow())

  // Who a hold kept something of: asked once, in the last pass, as it reads every old row the holds keep back.
  const held = full ? new Set<number>() : await customersHeldBack(trx, { logsBefore, verificationBefore, outboxBefore })
  const counts: RetentionCounts = {
    access_logs,
    verification_questions,
    verification_codes,
    verification_failures,
    search_hits,
    outbox_cleared,
    rate_counters,
    login_throttle,
    staff_sessions,
    reset_links,
    staff_links,
    request_exports,
    held_customers_skipped: held.size,
  }
  // A run of one pass is audited as it always was; the passes of a longer one say which they are and whether more follow,
  // and only the last counts the customers held back.
  const { held_customers_skipped: _notCounted, ...done } = counts
  const details = pass === 1 && !full ? { ...counts, ...rules } : { ...(full ? done : counts), ...rules, pass, more: full }
  await audit(trx, ctx, { action: 'retention.run', system: true, details })
  return { counts, more: full, outboxAfter: messages.at(-1)?.id ?? outboxAfter }
}

/** The customers under hold who have something past its time that the rules would otherwise have deleted or cleared. */
async function customersHeldBack(
  trx: Trx,
  { logsBefore, verificationBefore, outboxBefore }: { logsBefore: string; verificationBefore: string; outboxBefore: string },
) {
  const held = new Set<number>()
  const note = (rows: { customer_id: number | null }[]) => rows.forEach((r) => r.customer_id !== null && held.add(r.customer_id))
  note(
    await trx
      .selectFrom('verifications as v')
      .select('v.customer_id')
      .distinct()
      .where('v.created_at', '<', verificationBefore)
      .where('v.customer_id', 'in', heldCustomers(trx))
      .where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('verification_questions as q').select('q.id').whereRef('q.verification_id', '=', 'v.id')),
          eb.exists(eb.selectFrom('verification_codes as c').select('c.id').whereRef('c.verification_id', '=', 'v.id')),
        ]),
      )
      .execute(),
  )
  const byDate = [
    ['access_logs', logsBefore],
    ['verification_failures', verificationBefore],
    ['search_hits', verificationBefore],
  ] as const
  for (const [table, before] of byDate)
    note(
      await trx
        .selectFrom(table)
        .select('customer_id')
        .distinct()
        .where('at', '<', before)
        .where('customer_id', 'in', heldCustomers(trx))
        .execute(),
    )
  note(await uncleared(trx, outboxBefore).select('customer_id').distinct().where('customer_id', 'in', heldCustomers(trx)).execute())
  return held
}
