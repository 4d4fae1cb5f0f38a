import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import {
  type Database,
  foldName,
  lockForUpdate,
  type RequestCaller,
  type Verification,
  type VerificationField,
  type VerificationStatus,
} from '@verity/db'
import type { Kysely } from 'kysely'
import { AGE_OF_MAJORITY, ageOn } from '../../platform/age.js'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { type AppError, because, conflict, notFound, tooManyAttempts, unprocessable } from '../../platform/errors.js'
import type { ListQuery } from '../../platform/list.js'
import { maskEmail, maskPhone } from '../../platform/masking.js'
import { countEvent } from '../../platform/rate-counter.js'
import { inTransaction, refuseAfterCommit, type Trx } from '../../platform/transaction.js'
import { countingSince, openFlag, raiseFlag, STOPPING_FLAGS } from '../flags/flags.service.js'
import { deliverMessage, queueMessage } from '../outbox/outbox.service.js'
import { getSetting } from '../settings/settings.service.js'
import { normalizeAnswer } from './normalize.js'
import { ENDED } from '../../platform/lifecycle.js'

export const QUESTION_LABELS: Record<VerificationField, string> = {
  birth_date: 'Date of birth',
  postal_code: 'Postal code of an address on file',
  phone_last4: 'Last four digits of the phone number',
  email: 'Email address',
  order_number: 'Number of a recent order',
  card_last4: 'Last four digits of a saved card',
}
const TRANSACTIONAL: VerificationField[] = ['order_number', 'card_last4']
const QUESTIONS_PER_VERIFICATION = 3
const RECENT_ORDERS = 5
export const CODE = { ttlMinutes: 10, attempts: 5, perVerification: 3 }
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** how far back an agent's searches tell which identifier the caller was found by in this call */
const SEARCH_MEMORY_MS = 2 * HOUR_MS
/** the question a search by each kind of identifier answers, which is then never asked */
const QUESTION_ANSWERED_BY_SEARCH: Record<string, VerificationField> = {
  email: 'email',
  phone: 'phone_last4',
  order_number: 'order_number',
  // A name with the masked email's first letter and domain is most of a guess at the address.
  name: 'email',
}

/** What is on file for each question, read only to compare: it never leaves this module. */
async function storedAnswers(db: Kysely<Database>, customerId: number): Promise<Map<VerificationField, string[]>> {
  const [customer, addresses, orders, cards] = await Promise.all([
    db.selectFrom('customers').select(['birth_date', 'phone', 'email']).where('id', '=', customerId).executeTakeFirst(),
    db.selectFrom('addresses').select('postal_code').where('customer_id', '=', customerId).execute(),
    db
      .selectFrom('orders')
      .select('number')
      .where('customer_id', '=', customerId)
      .orderBy('placed_at', 'desc')
      .limit(RECENT_ORDERS)
      .execute(),
    db.selectFrom('payment_methods').select('last4').where('customer_id', '=', customerId).execute(),
  ])
  const stored = new Map<VerificationField, string[]>()
  const put = (field: VerificationField, values: (string | null | undefined)[]) => {
    const normalized = values.flatMap((v) => (v ? [normalizeAnswer(field, v)] : [])).filter((v): v is string => !!v)
    if (normalized.length) stored.set(field, normalized)
  }
  put('birth_date', [customer?.birth_date])
  put('phone_last4', [customer?.phone])
  put('email', [customer?.email])
  put(
    'postal_code',
    addresses.map((a) => a.postal_code),
  )
  put(
    'order_number',
    orders.map((o) => o.number),
  )
  put(
    'card_last4',
    cards.map((c) => c.last4),
  )
  return stored
}

/** Draws the questions at random from the fields the customer has, at least one about a transaction when possible. */
export function drawQuestions(available: VerificationField[], count = QUESTIONS_PER_VERIFICATION): VerificationField[] {
  const pool = [...available]
  for (let i = pool.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[pool[i], pool[j]] = [pool[j]!, pool[i]!]
  }
  const transactional = pool.find((f) => TRANSACTIONAL.includes(f))
  const drawn = transactional ? [transactional, ...pool.filter((f) => f !== transactional)] : pool
  return drawn.slice(0, count)
}

/** The questions this agent's recent searches already answered for this customer: the identifier the caller was found by. */
async function questionsAnsweredBySearch(trx: Trx, ctx: StaffContext, customerId: number): Promise<Set<VerificationField>> {
  const hits = await trx
    .selectFrom('search_hits')
    .select('kind')
    .distinct()
    .where('staff_id', '=', ctx.staff.id)
    .where('customer_id', '=', customerId)
    .where('at', '>', new Date(ctx.now.getTime() - SEARCH_MEMORY_MS).toISOString())
    .execute()
  return new Set(hits.flatMap((h) => (QUESTION_ANSWERED_BY_SEARCH[h.kind] ? [QUESTION_ANSWERED_BY_SEARCH[h.kind]!] : [])))
}

/**
 * Opens a verification. In one transaction: the agent is not stopped, the customer is not locked or erased, every other
 * open verification of the customer ends, and the questions are drawn from what is on file, never the identifier the
 * agent found the caller by.
 */
export async function startVerification(
  db: Kysely<Database>,
  ctx: StaffContext,
  input: { customerId: number; channel: string; caller: RequestCaller; callerName?: string },
) {
  const ttl = await getSetting(db, 'verification_ttl_minutes')
  return inTransaction(db, async (trx) => {
    if (await openFlag(trx, STOPPING_FLAGS, { staffId: ctx.staff.id })) throw agentPaused()
    const customer = await lockForUpdate(
      trx,
      trx.selectFrom('customers').select(['id', 'status', 'birth_date', 'guardian_name']).where('id', '=', input.customerId),
    ).executeTakeFirst()
    if (!customer) throw notFound('Customer')
    if (customer.status === 'erased') throw conflict('This customer was erased; there is no one to verify.')
    if (customer.status === 'locked') throw customerLocked()
    if (input.caller === 'guardian') checkGuardian(customer, input.callerName ?? '', ctx.now)

    const asked = await questionsAnsweredBySearch(trx, ctx, customer.id)
    const available = [...(await storedAnswers(trx, customer.id)).keys()].filter((f) => !asked.has(f))
    const fields = await questionsFor(trx, customer.id, available, ctx.now)
    if (!fields.length) throw unprocessable('Nothing is on file to verify this customer with.')
    if (await probingTooMany(trx, ctx, customer.id)) return refuseAfterCommit(agentPaused())

    // A new verification is a new caller: whatever this agent's earlier pass for the customer opened, closes.
    await trx
      .updateTable('verifications')
      .set({ unmasked_until: ENDED })
      .where('customer_id', '=', customer.id)
      .where('staff_id', '=', ctx.staff.id)
      .where('status', '=', 'verified')
      .where('unmasked_until', '>', ctx.now.toISOString())
      .execute()
    const superseded = await trx
      .updateTable('verifications')
      .set({ status: 'superseded', completed_at: ctx.now.toISOString() })
      .where('customer_id', '=', customer.id)
      .where('status', '=', 'pending')
      .returning('id')
      .execute()
    for (const s of superseded) {
      await audit(trx, ctx, { action: 'verification.superseded', entityType: 'verification', entityId: s.id, customerId: customer.id })
    }

    const expiresAt = new Date(ctx.now.getTime() + ttl * 60_000).toISOString()
    const { id } = await trx
      .insertInto('verifications')
      .values({
        customer_id: customer.id,
        staff_id: ctx.staff.id,
        channel: input.channel,
        created_at: ctx.now.toISOString(),
        expires_at: expiresAt,
        completed_at: null,
        unmasked_until: null,
        caller: input.caller,
        caller_name: input.callerName ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const questions = []
    for (const [position, field] of fields.entries()) {
      const q = await trx
        .insertInto('verification_questions')
        .values({ verification_id: id, position, field, matched: null, answered_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      questions.push({ id: q.id, field, label: QUESTION_LABELS[field] })
    }
    await audit(trx, ctx, {
      action: 'verification.start',
      entityType: 'verification',
      entityId: id,
      customerId: customer.id,
      details: { channel: input.channel, caller: input.caller, fields, not_asked: [...asked] },
    })
    return { id, customerId: customer.id, status: 'pending' as VerificationStatus, expiresAt, questions }
  })
}

/**
 * The questions for a new verification of this customer. While an earlier one of theirs stands unfinished (open, replaced
 * or run out, in the last day), the new one asks what it asked: re-opening cannot draw again until easier questions come
 * up. Otherwise they are drawn afresh.
 */
async function questionsFor(trx: Trx, customerId: number, available: VerificationField[], now: Date): Promise<VerificationField[]> {
  const last = await trx
    .selectFrom('verifications')
    .select(['id', 'status'])
    .where('customer_id', '=', customerId)
    .where('created_at', '>', new Date(now.getTime() - DAY_MS).toISOString())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!last || !['pending', 'superseded', 'expired'].includes(last.status)) return drawQuestions(available)
  const before = await trx
    .selectFrom('verification_questions')
    .select('field')
    .where('verification_id', '=', last.id)
    .orderBy('position')
    .execute()
  const kept = before.map((q) => q.field).filter((f) => available.includes(f))
  return kept.length ? kept : drawQuestions(available)
}

/** A guardian calls for a minor only, and is the guardian on file when one is. */
function checkGuardian(customer: { birth_date: string | null; guardian_name: string | null }, name: string, now: Date) {
  if (!customer.birth_date || ageOn(customer.birth_date, now) >= AGE_OF_MAJORITY) {
    throw unprocessable('A guardian calls for a customer under 18; this customer is not, as far as the record shows.', {
      caller: 'Not a minor',
    })
  }
  if (customer.guardian_name && foldName(customer.guardian_name) !== foldName(name)) {
    throw unprocessable('The guardian on file has another name.', { callerName: 'Not the guardian on file' })
  }
}

const agentPaused = () =>
  because(
    'agent_paused',
    tooManyAttempts(
      'Your verifications are paused: compliance is reviewing a pattern of failed or unfinished verifications. Ask compliance to clear it.',
      HOUR_MS / 1000,
    ),
  )

/**
 * Stops an agent: flags compliance (once while a flag is open) and ends every verification the agent has open, so
 * nothing opened before the stop can still be judged.
 */
async function stopAgent(trx: Trx, ctx: StaffContext, kind: 'agent_failing' | 'agent_probing', details: Record<string, number>) {
  if (!(await openFlag(trx, [kind], { staffId: ctx.staff.id }))) await raiseFlag(trx, ctx, { kind, staffId: ctx.staff.id, details })
  await trx
    .updateTable('verifications')
    .set({ status: 'expired', completed_at: ctx.now.toISOString() })
    .where('staff_id', '=', ctx.staff.id)
    .where('status', '=', 'pending')
    .execute()
}

const customerLocked = () =>
  because(
    'customer_locked',
    tooManyAttempts(
      'Verification is locked for this customer after repeated failures. Compliance has been alerted; do not continue the call.',
      DAY_MS / 1000,
    ),
  )

/**
 * The staff member's own verification, read (and locked) inside the transaction that acts on it: 404 for anyone
 * else's; a refusal for one that is over. One past its time is marked expired, and that mark is kept.
 */
async function openVerification(trx: Trx, ctx: StaffContext, id: number): Promise<Verification | AppError> {
  const v = await lockForUpdate(trx, trx.selectFrom('verifications').selectAll().where('id', '=', id)).executeTakeFirst()
  if (!v || v.staff_id !== ctx.staff.id) throw notFound('Verification')
  if (v.status === 'pending' && Date.parse(v.expires_at) <= ctx.now.getTime()) {
    await trx
      .updateTable('verifications')
      .set({ status: 'expired', completed_at: ctx.now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute()
    return because('verification_expired', conflict('This verification expired. Start a new one.'))
  }
  // The stop ended this verification with every other the agent had open: over (409), and why.
  if (await openFlag(trx, STOPPING_FLAGS, { staffId: ctx.staff.id })) return because('agent_paused', conflict(agentPaused().message))
  if (v.status === 'superseded') {
    return because('verification_superseded', conflict('A newer verification for this customer was opened, which ended this one.'))
  }
  if (v.status === 'expired') return because('verification_expired', conflict('This verification expired. Start a new one.'))
  if (v.status === 'locked') {
    return because('customer_locked', conflict('This verification ended when the customer was locked. Compliance has been alerted.'))
  }
  if (v.status !== 'pending') return conflict(`This verification is already ${v.status}.`)
  const customer = await trx.selectFrom('customers').select('status').where('id', '=', v.customer_id).executeTakeFirstOrThrow()
  if (customer.status !== 'active') return conflict(`This customer is ${customer.status}; the verification cannot go on.`)
  return v
}

const isRefusal = (v: Verification | AppError): v is AppError => v instanceof Error

/**
 * Checks the caller's answers on the server and answers match / no match per question, never the stored value. Each
 * question is judged once: its result is written only where none was (`matched IS NULL`), in the transaction that
 * read the verification as open, so parallel answer sets cannot both be judged.
 */
export async function answerVerification(
  db: Kysely<Database>,
  ctx: StaffContext,
  id: number,
  answers: { questionId: number; value: string }[],
) {
  return inTransaction(db, async (trx) => {
    const v = await openVerification(trx, ctx, id)
    if (isRefusal(v)) return refuseAfterCommit(v)
    const questions = await trx.selectFrom('verification_questions').selectAll().where('verification_id', '=', id).execute()
    const byId = new Map(questions.map((q) => [q.id, q]))
    for (const a of answers) {
      const q = byId.get(a.questionId)
      if (!q) throw unprocessable('That question does not belong to this verification.', { answers: `Unknown question ${a.questionId}` })
      if (q.matched !== null) throw conflict('That question was already answered.')
    }
    const stored = await storedAnswers(trx, v.customer_id)
    const results = answers.map((a) => {
      const field = byId.get(a.questionId)!.field
      const given = normalizeAnswer(field, a.value)
      return { questionId: a.questionId, match: !!given && (stored.get(field) ?? []).includes(given) }
    })
    for (const r of results) {
      const judged = await trx
        .updateTable('verification_questions')
        .set({ matched: r.match ? 1 : 0, answered_at: ctx.now.toISOString() })
        .where('id', '=', r.questionId)
        .where('matched', 'is', null)
        .executeTakeFirst()
      if (judged.numUpdatedRows === 0n) throw conflict('That question was already answered.')
    }
    await audit(trx, ctx, {
      action: 'verification.answer',
      entityType: 'verification',
      entityId: id,
      customerId: v.customer_id,
      details: { answered: results.length, matched: results.filter((r) => r.match).length },
    })
    const settled = await settleVerification(trx, ctx, v)
    return { id, status: settled.status, results, unmaskedUntil: settled.unmaskedUntil }
  })
}

/**
 * Decides where a verification stands after an answer or a code: any wrong answer fails it; every question right, and
 * the code too when one was sent or is needed, passes it and opens the unmask window for this staff member.
 */
async function settleVerification(trx: Trx, ctx: StaffContext, v: Verification) {
  const questions = await trx.selectFrom('verification_questions').select('matched').where('verification_id', '=', v.id).execute()
  const codes = await trx.selectFrom('verification_codes').select('confirmed_at').where('verification_id', '=', v.id).execute()
  const failed = questions.some((q) => q.matched === 0)
  const answered = questions.every((q) => q.matched === 1)
  // With fewer than two questions on file, a one-time code is required as the second factor.
  const codeNeeded = codes.length > 0 || questions.length < 2
  const codeConfirmed = codes.some((c) => c.confirmed_at !== null)
  const status: VerificationStatus = failed ? 'failed' : answered && (!codeNeeded || codeConfirmed) ? 'verified' : 'pending'
  if (status === 'pending') return { status, unmaskedUntil: null }

  const windowMinutes = await getSetting(trx, 'unmask_window_minutes')
  const unmaskedUntil = status === 'verified' ? new Date(ctx.now.getTime() + windowMinutes * 60_000).toISOString() : null
  const ended = await trx
    .updateTable('verifications')
    .set({ status, completed_at: ctx.now.toISOString(), unmasked_until: unmaskedUntil })
    .where('id', '=', v.id)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  if (ended.numUpdatedRows === 0n) throw conflict('This verification was settled by another request.')
  await audit(trx, ctx, { action: `verification.${status}`, entityType: 'verification', entityId: v.id, customerId: v.customer_id })
  if (status === 'failed') {
    const locked = await recordFailure(trx, ctx, v, 'answers')
    if (locked) return { status: 'locked' as const, unmaskedUntil: null }
  }
  return { status, unmaskedUntil }
}

/**
 * A failed verification or a wrong code counts against the customer and against the agent. Enough in a day locks the
 * customer: every open verification of theirs ends, open unmask windows close, and compliance is flagged. Failures
 * across enough customers in an hour stop the agent. Answers whether the customer is now locked.
 */
async function recordFailure(trx: Trx, ctx: StaffContext, v: Verification, kind: 'answers' | 'code'): Promise<boolean> {
  const at = ctx.now.toISOString()
  await trx
    .insertInto('verification_failures')
    .values({ verification_id: v.id, customer_id: v.customer_id, staff_id: ctx.staff.id, kind, at })
    .execute()

  const agentSince = await countingSince(trx, 'agent_failing', { staffId: ctx.staff.id }, new Date(ctx.now.getTime() - HOUR_MS))
  const { customers } = await trx
    .selectFrom('verification_failures')
    .select((eb) => eb.fn.count<number>('customer_id').distinct().as('customers'))
    .where('staff_id', '=', ctx.staff.id)
    .where('at', '>', agentSince)
    .executeTakeFirstOrThrow()
  const agentLimit = await getSetting(trx, 'agent_failed_customers_per_hour')
  if (Number(customers) >= agentLimit) await stopAgent(trx, ctx, 'agent_failing', { customers_in_hour: Number(customers) })

  const customerSince = await countingSince(trx, 'verification_locked', { customerId: v.customer_id }, new Date(ctx.now.getTime() - DAY_MS))
  const { failures } = await trx
    .selectFrom('verification_failures')
    .select((eb) => eb.fn.countAll<number>().as('failures'))
    .where('customer_id', '=', v.customer_id)
    .where('at', '>', customerSince)
    .executeTakeFirstOrThrow()
  const limit = await getSetting(trx, 'verification_failures_per_day')
  if (Number(failures) < limit) return false

  const locked = await trx
    .updateTable('customers')
    .set({ status: 'locked' })
    .where('id', '=', v.customer_id)
    .where('status', '=', 'active')
    .executeTakeFirst()
  // Two statements: SQLite's planner fails on an OR beside the partial index of open verifications.
  await trx
    .updateTable('verifications')
    .set({ status: 'locked', completed_at: at })
    .where('customer_id', '=', v.customer_id)
    .where('status', '=', 'pending')
    .execute()
  await trx.updateTable('verifications').set({ status: 'locked', completed_at: at }).where('id', '=', v.id).execute()
  await trx
    .updateTable('verifications')
    .set({ unmasked_until: ENDED })
    .where('customer_id', '=', v.customer_id)
    .where('status', '=', 'verified')
    .where('unmasked_until', '>', at)
    .execute()
  await audit(trx, ctx, { action: 'verification.locked', entityType: 'verification', entityId: v.id, customerId: v.customer_id })
  if (locked.numUpdatedRows > 0n) {
    await raiseFlag(trx, ctx, {
      kind: 'verification_locked',
      customerId: v.customer_id,
      staffId: ctx.staff.id,
      details: { failures: Number(failures) },
    })
  }
  return true
}

/**
 * Whether opening a verification for this customer would make an agent one who opens verifications for more customers in
 * an hour than the limit without passing any: then the agent is stopped until compliance resolves the flag.
 */
async function probingTooMany(trx: Trx, ctx: StaffContext, customerId: number): Promise<boolean> {
  const since = await countingSince(trx, 'agent_probing', { staffId: ctx.staff.id }, new Date(ctx.now.getTime() - HOUR_MS))
  const recent = await trx
    .selectFrom('verifications')
    .select(['customer_id', 'status'])
    .where('staff_id', '=', ctx.staff.id)
    .where('created_at', '>', since)
    .execute()
  const verified = new Set(recent.filter((r) => r.status === 'verified').map((r) => r.customer_id))
  const unverified = new Set([...recent.map((r) => r.customer_id), customerId].filter((c) => !verified.has(c)))
  if (unverified.size <= (await getSetting(trx, 'agent_unverified_customers_per_hour'))) return false
  await stopAgent(trx, ctx, 'agent_probing', { customers_in_hour: unverified.size })
  return true
}

const hashCode = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex')

/**
 * Sends a six-digit code to the email or phone on file; only its salted hash is kept. Limited per verification and per
 * customer per day, counted in the transaction that queues the message.
 */
export async function sendVerificationCode(db: Kysely<Database>, ctx: StaffContext, id: number, channel: 'email' | 'sms') {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  const queued = await inTransaction(db, async (trx) => {
    const v = await openVerification(trx, ctx, id)
    if (isRefusal(v)) return refuseAfterCommit(v)
    const customer = await trx.selectFrom('customers').select(['email', 'phone']).where('id', '=', v.customer_id).executeTakeFirstOrThrow()
    const recipient = channel === 'email' ? customer.email : customer.phone
    if (!recipient) {
      throw unprocessable(`There is no ${channel === 'email' ? 'email' : 'phone number'} on file.`, { channel: 'Nothing on file' })
    }
    const { n } = await trx
      .selectFrom('verification_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('verification_id', '=', id)
      .executeTakeFirstOrThrow()
    if (Number(n) >= CODE.perVerification) throw tooManyAttempts('Enough codes were sent for this verification. Start a new one.', 60)
    const daily = await countEvent(trx, `codes:customer:${v.customer_id}`, DAY_MS, ctx.now)
    if (daily.count > (await getSetting(trx, 'codes_per_customer_per_day'))) {
      return refuseAfterCommit(
        because(
          'codes_per_day',
          tooManyAttempts(
            'This customer has been sent as many codes as a day allows. Verify with questions, or try again tomorrow.',
            (daily.resetsAt.getTime() - ctx.now.getTime()) / 1000,
          ),
        ),
      )
    }
    const salt = randomBytes(16).toString('hex')
    const expiresAt = new Date(ctx.now.getTime() + CODE.ttlMinutes * 60_000).toISOString()
    await trx
      .insertInto('verification_codes')
      .values({
        verification_id: id,
        channel,
        code_hash: `${salt}$${hashCode(salt, code)}`,
        created_at: ctx.now.toISOString(),
        expires_at: expiresAt,
        confirmed_at: null,
      })
      .execute()
    const message = {
      channel,
      recipient,
      subject: 'Your verification code',
      body: `Your verification code is ${code}. Read it to our customer service agent within ${CODE.ttlMinutes} minutes. We will never ask for your password.`,
    }
    const outboxId = await queueMessage(
      trx,
      { ...message, customerId: v.customer_id, template: 'verification_code', payload: { expires_minutes: CODE.ttlMinutes } },
      ctx.now,
    )
    await audit(trx, ctx, {
      action: 'verification.code_sent',
      entityType: 'verification',
      entityId: id,
      customerId: v.customer_id,
      details: { channel },
    })
    return { outboxId, message, expiresAt }
  })
  const status = await deliverMessage(db, ctx.config.transport, queued.outboxId, queued.message, ctx.now)
  const recipient = queued.message.recipient
  return {
    sent: status !== 'failed',
    status,
    channel,
    recipient: channel === 'email' ? maskEmail(recipient) : maskPhone(recipient),
    expiresAt: queued.expiresAt,
  }
}

/**
 * Checks the code the caller reads back. The attempt is counted in SQL on the condition that attempts remain, in the
 * transaction that judges it, so parallel guesses each use one attempt. A wrong code counts toward the customer's failures.
 */
export async function checkVerificationCode(db: Kysely<Database>, ctx: StaffContext, id: number, given: string) {
  return inTransaction(db, async (trx) => {
    const v = await openVerification(trx, ctx, id)
    if (isRefusal(v)) return refuseAfterCommit(v)
    const code = await trx
      .selectFrom('verification_codes')
      .selectAll()
      .where('verification_id', '=', id)
      .where('confirmed_at', 'is', null)
      .where('expires_at', '>', ctx.now.toISOString())
      .where('attempts', '<', CODE.attempts)
      .orderBy('id', 'desc')
      .executeTakeFirst()
    if (!code) throw conflict('No code is waiting: send a new one.')
    const used = await trx
      .updateTable('verification_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', code.id)
      .where('attempts', '<', CODE.attempts)
      .where('confirmed_at', 'is', null)
      .returning('attempts')
      .executeTakeFirst()
    if (!used) throw conflict('No code is waiting: send a new one.')
    const [salt, hash] = code.code_hash.split('$') as [string, string]
    const digits = given.normalize('NFKC').replace(/\D/g, '')
    const match = digits.length === 6 && timingSafeEqual(Buffer.from(hashCode(salt, digits), 'hex'), Buffer.from(hash, 'hex'))
    if (match) await trx.updateTable('verification_codes').set({ confirmed_at: ctx.now.toISOString() }).where('id', '=', code.id).execute()
    await audit(trx, ctx, {
      action: 'verification.code_checked',
      entityType: 'verification',
      entityId: id,
      customerId: v.customer_id,
      details: { match },
    })
    if (!match && (await recordFailure(trx, ctx, v, 'code'))) {
      return { match, status: 'locked' as VerificationStatus, unmaskedUntil: null, attemptsLeft: 0 }
    }
    const settled = await settleVerification(trx, ctx, v)
    return {
      match,
      status: settled.status,
      unmaskedUntil: settled.unmaskedUntil,
      attemptsLeft: match ? 0 : CODE.attempts - Number(used.attempts),
    }
  })
}

export type VerificationSort = 'id' | 'created_at' | 'status'
export interface VerificationFilter {
  customer_id?: number
  staff_id?: number
  status?: VerificationStatus
}

/** Agents see their own verifications; compliance sees everyone's. Results per question, never answers. */
function visibleVerifications(db: Kysely<Database>, ctx: StaffContext) {
  const query = db.selectFrom('verifications as v').innerJoin('staff_users as s', 's.id', 'v.staff_id')
  return ctx.staff.role === 'compliance' ? query : query.where('v.staff_id', '=', ctx.staff.id)
}

const VERIFICATION_COLUMNS = [
  'v.id',
  'v.customer_id',
  'v.staff_id',
  's.name as staff_name',
  'v.channel',
  'v.status',
  'v.created_at',
  'v.expires_at',
  'v.completed_at',
  'v.unmasked_until',
] as const

export async function listVerifications(db: Kysely<Database>, ctx: StaffContext, q: ListQuery<VerificationSort, VerificationFilter>) {
  let query = visibleVerifications(db, ctx)
  if (q.filter.customer_id !== undefined) query = query.where('v.customer_id', '=', q.filter.customer_id)
  if (q.filter.staff_id !== undefined) query = query.where('v.staff_id', '=', q.filter.staff_id)
  if (q.filter.status) query = query.where('v.status', '=', q.filter.status)
  const [rows, count] = await Promise.all([
    query
      .select(VERIFICATION_COLUMNS)
      .orderBy(`v.${q.sort.field}`, q.sort.order)
      .orderBy('v.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function getVerification(db: Kysely<Database>, ctx: StaffContext, id: number) {
  const row = await visibleVerifications(db, ctx).select(VERIFICATION_COLUMNS).where('v.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Verification')
  const questions = await db
    .selectFrom('verification_questions')
    .select(['id', 'field', 'matched', 'answered_at'])
    .where('verification_id', '=', id)
    .orderBy('position')
    .execute()
  return {
    ...row,
    questions: questions.map((q) => ({
      id: q.id,
      field: q.field,
      label: QUESTION_LABELS[q.field],
      match: q.matched === null ? null : q.matched === 1,
      answered_at: q.answered_at,
    })),
  }
}
