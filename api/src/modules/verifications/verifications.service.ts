import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { Database, Verification, VerificationField, VerificationStatus } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { AppConfig, SignedInStaff } from '../../platform/context.js'
import { conflict, notFound, tooManyAttempts, unprocessable } from '../../platform/errors.js'
import { maskDigits, maskEmail } from '../../platform/masking.js'
import { raiseFlag } from '../flags/flags.service.js'
import { deliverMessage, queueMessage } from '../outbox/outbox.service.js'
import type { ListQuery } from '../../platform/list.js'
import { getSetting } from '../settings/settings.service.js'
import { normalizeAnswer } from './normalize.js'

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
/** an agent opening verifications for this many customers in an hour without a pass is flagged */
export const PROBING_CUSTOMERS_PER_HOUR = 10
export const CODE = { ttlMinutes: 10, attempts: 5, perVerification: 3 }
const DAY_MS = 86_400_000

interface Meta {
  ip: string | null
  now: Date
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

const actorOf = (staff: SignedInStaff) => ({ id: staff.id, role: staff.role })

export async function startVerification(
  db: Kysely<Database>,
  staff: SignedInStaff,
  input: { customerId: number; channel: string },
  meta: Meta,
) {
  const customer = await db.selectFrom('customers').select(['id', 'status']).where('id', '=', input.customerId).executeTakeFirst()
  if (!customer) throw notFound('Customer')
  if (customer.status === 'erased') throw conflict('This customer was erased; there is no one to verify.')
  if (customer.status === 'locked') {
    throw tooManyAttempts(
      'Verification is locked for this customer after repeated failures. Compliance has been alerted; do not continue the call.',
      DAY_MS / 1000,
    )
  }
  const fields = drawQuestions([...(await storedAnswers(db, customer.id)).keys()])
  if (!fields.length) throw unprocessable('Nothing is on file to verify this customer with.')
  const ttl = await getSetting(db, 'verification_ttl_minutes')
  const expiresAt = new Date(meta.now.getTime() + ttl * 60_000).toISOString()

  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('verifications')
      .values({
        customer_id: customer.id,
        staff_id: staff.id,
        channel: input.channel,
        created_at: meta.now.toISOString(),
        expires_at: expiresAt,
        completed_at: null,
        unmasked_until: null,
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
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'verification.start',
        entityType: 'verification',
        entityId: id,
        customerId: customer.id,
        ip: meta.ip,
        details: { channel: input.channel, fields },
      },
      meta.now,
    )
    await flagProbing(trx, staff, meta.now)
    return { id, customerId: customer.id, status: 'pending' as VerificationStatus, expiresAt, questions }
  })
}

/**
 * Checks the caller's answers on the server and answers match / no match per question, never the stored value.
 * A wrong answer fails the verification; all questions right opens the unmask window for this staff member.
 */
export async function answerVerification(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  answers: { questionId: number; value: string }[],
  meta: Meta,
) {
  const verification = await pendingVerification(db, staff, id, meta.now)

  const questions = await db
    .selectFrom('verification_questions')
    .selectAll()
    .where('verification_id', '=', id)
    .orderBy('position')
    .execute()
  const byId = new Map(questions.map((q) => [q.id, q]))
  for (const a of answers) {
    const q = byId.get(a.questionId)
    if (!q) throw unprocessable('That question does not belong to this verification.', { answers: `Unknown question ${a.questionId}` })
    if (q.matched !== null) throw conflict('That question was already answered.')
  }
  const stored = await storedAnswers(db, verification.customer_id)
  const results = answers.map((a) => {
    const field = byId.get(a.questionId)!.field
    const given = normalizeAnswer(field, a.value)
    return { questionId: a.questionId, match: !!given && (stored.get(field) ?? []).includes(given) }
  })

  const settled = await db.transaction().execute(async (trx) => {
    for (const r of results) {
      await trx
        .updateTable('verification_questions')
        .set({ matched: r.match ? 1 : 0, answered_at: meta.now.toISOString() })
        .where('id', '=', r.questionId)
        .execute()
    }
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'verification.answer',
        entityType: 'verification',
        entityId: id,
        customerId: verification.customer_id,
        ip: meta.ip,
        details: { answered: results.length, matched: results.filter((r) => r.match).length },
      },
      meta.now,
    )
    return settleVerification(trx, staff, verification, meta)
  })
  return { id, status: settled.status, results, unmaskedUntil: settled.unmaskedUntil }
}

/** The staff member's own verification, still open: 404 for anyone else's, 409 once it is over or expired. */
async function pendingVerification(db: Kysely<Database>, staff: SignedInStaff, id: number, now: Date): Promise<Verification> {
  const verification = await db.selectFrom('verifications').selectAll().where('id', '=', id).executeTakeFirst()
  if (!verification || verification.staff_id !== staff.id) throw notFound('Verification')
  if (verification.status === 'pending' && Date.parse(verification.expires_at) <= now.getTime()) {
    await db.updateTable('verifications').set({ status: 'expired', completed_at: now.toISOString() }).where('id', '=', id).execute()
    throw conflict('This verification expired. Start a new one.')
  }
  if (verification.status !== 'pending') throw conflict(`This verification is already ${verification.status}.`)
  return verification
}

/**
 * Decides where a verification stands after an answer or a code: any wrong answer fails it (and enough failures in a
 * day lock the customer and flag it to compliance); every question right, and the code too when one was sent or is
 * needed, passes it and opens the unmask window for this staff member.
 */
async function settleVerification(trx: Kysely<Database>, staff: SignedInStaff, v: Verification, meta: Meta) {
  const questions = await trx.selectFrom('verification_questions').select('matched').where('verification_id', '=', v.id).execute()
  const codes = await trx.selectFrom('verification_codes').select('confirmed_at').where('verification_id', '=', v.id).execute()
  const failed = questions.some((q) => q.matched === 0)
  const answered = questions.every((q) => q.matched === 1)
  // With fewer than two questions on file, a one-time code is required as the second factor.
  const codeNeeded = codes.length > 0 || questions.length < 2
  const codeConfirmed = codes.some((c) => c.confirmed_at !== null)
  let status: VerificationStatus = failed ? 'failed' : answered && (!codeNeeded || codeConfirmed) ? 'verified' : 'pending'
  if (status === 'pending') return { status, unmaskedUntil: null }

  const windowMinutes = await getSetting(trx, 'unmask_window_minutes')
  const unmaskedUntil = status === 'verified' ? new Date(meta.now.getTime() + windowMinutes * 60_000).toISOString() : null
  const limit = await getSetting(trx, 'verification_failures_per_day')
  await trx
    .updateTable('verifications')
    .set({ status, completed_at: meta.now.toISOString(), unmasked_until: unmaskedUntil })
    .where('id', '=', v.id)
    .execute()
  await appendAudit(
    trx,
    {
      actor: actorOf(staff),
      action: `verification.${status}`,
      entityType: 'verification',
      entityId: v.id,
      customerId: v.customer_id,
      ip: meta.ip,
    },
    meta.now,
  )
  if (status === 'failed' && (await failuresToday(trx, v.customer_id, meta.now)) >= limit) {
    status = 'locked'
    await trx.updateTable('verifications').set({ status }).where('id', '=', v.id).execute()
    await trx.updateTable('customers').set({ status: 'locked' }).where('id', '=', v.customer_id).where('status', '=', 'active').execute()
    await raiseFlag(
      trx,
      { kind: 'verification_locked', customerId: v.customer_id, staffId: staff.id, details: { failures_in_day: limit } },
      meta.now,
    )
  }
  return { status, unmaskedUntil }
}

async function failuresToday(trx: Kysely<Database>, customerId: number, now: Date): Promise<number> {
  const { n } = await trx
    .selectFrom('verifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .where('status', 'in', ['failed', 'locked'])
    .where('created_at', '>', new Date(now.getTime() - DAY_MS).toISOString())
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** An agent who opens verifications for many different customers in an hour without passing any is flagged, once an hour. */
async function flagProbing(trx: Kysely<Database>, staff: SignedInStaff, now: Date) {
  const since = new Date(now.getTime() - 3_600_000).toISOString()
  const recent = await trx
    .selectFrom('verifications')
    .select(['customer_id', 'status'])
    .where('staff_id', '=', staff.id)
    .where('created_at', '>', since)
    .execute()
  const unverified = new Set(recent.filter((r) => r.status !== 'verified').map((r) => r.customer_id))
  const verified = new Set(recent.filter((r) => r.status === 'verified').map((r) => r.customer_id))
  const probing = [...unverified].filter((c) => !verified.has(c)).length
  if (probing < PROBING_CUSTOMERS_PER_HOUR) return
  const already = await trx
    .selectFrom('flags')
    .select('id')
    .where('kind', '=', 'agent_probing')
    .where('staff_id', '=', staff.id)
    .where('created_at', '>', since)
    .executeTakeFirst()
  if (!already) await raiseFlag(trx, { kind: 'agent_probing', staffId: staff.id, details: { customers_in_hour: probing } }, now)
}

const hashCode = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex')

/** Sends a six-digit code to the email or phone on file; only its salted hash is kept. */
export async function sendVerificationCode(
  db: Kysely<Database>,
  config: AppConfig,
  staff: SignedInStaff,
  id: number,
  channel: 'email' | 'sms',
  meta: Meta,
) {
  const v = await pendingVerification(db, staff, id, meta.now)
  const customer = await db.selectFrom('customers').select(['email', 'phone']).where('id', '=', v.customer_id).executeTakeFirstOrThrow()
  const recipient = channel === 'email' ? customer.email : customer.phone
  if (!recipient)
    throw unprocessable(`There is no ${channel === 'email' ? 'email' : 'phone number'} on file.`, { channel: 'Nothing on file' })
  const { n } = await db
    .selectFrom('verification_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('verification_id', '=', id)
    .executeTakeFirstOrThrow()
  if (Number(n) >= CODE.perVerification) throw tooManyAttempts('Enough codes were sent for this verification. Start a new one.', 60)
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  const salt = randomBytes(16).toString('hex')
  const expiresAt = new Date(meta.now.getTime() + CODE.ttlMinutes * 60_000).toISOString()
  const message = {
    channel,
    recipient,
    subject: 'Your verification code',
    body: `Your verification code is ${code}. Read it to our customer service agent within ${CODE.ttlMinutes} minutes. We will never ask for your password.`,
  }
  const outboxId = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('verification_codes')
      .values({
        verification_id: id,
        channel,
        code_hash: `${salt}$${hashCode(salt, code)}`,
        created_at: meta.now.toISOString(),
        expires_at: expiresAt,
        confirmed_at: null,
      })
      .execute()
    const outboxId = await queueMessage(
      trx,
      { ...message, customerId: v.customer_id, template: 'verification_code', payload: { expires_minutes: CODE.ttlMinutes } },
      meta.now,
    )
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'verification.code_sent',
        entityType: 'verification',
        entityId: id,
        customerId: v.customer_id,
        ip: meta.ip,
        details: { channel },
      },
      meta.now,
    )
    return outboxId
  })
  const status = await deliverMessage(db, config.transport, outboxId, message, meta.now)
  return {
    sent: status !== 'failed',
    status,
    channel,
    recipient: channel === 'email' ? maskEmail(recipient) : maskDigits(recipient),
    expiresAt,
  }
}

/** Checks the code the caller reads back; a few wrong tries use the code up. */
export async function checkVerificationCode(db: Kysely<Database>, staff: SignedInStaff, id: number, given: string, meta: Meta) {
  const v = await pendingVerification(db, staff, id, meta.now)
  const code = await db
    .selectFrom('verification_codes')
    .selectAll()
    .where('verification_id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('expires_at', '>', meta.now.toISOString())
    .where('attempts', '<', CODE.attempts)
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (!code) throw conflict('No code is waiting: send a new one.')
  const [salt, hash] = code.code_hash.split('$') as [string, string]
  const digits = given.normalize('NFKC').replace(/\D/g, '')
  const match = digits.length === 6 && timingSafeEqual(Buffer.from(hashCode(salt, digits), 'hex'), Buffer.from(hash, 'hex'))
  const settled = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('verification_codes')
      .set({ attempts: code.attempts + 1, confirmed_at: match ? meta.now.toISOString() : null })
      .where('id', '=', code.id)
      .execute()
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'verification.code_checked',
        entityType: 'verification',
        entityId: id,
        customerId: v.customer_id,
        ip: meta.ip,
        details: { match },
      },
      meta.now,
    )
    return settleVerification(trx, staff, v, meta)
  })
  return {
    match,
    status: settled.status,
    unmaskedUntil: settled.unmaskedUntil,
    attemptsLeft: match ? 0 : CODE.attempts - code.attempts - 1,
  }
}

export type VerificationSort = 'id' | 'created_at' | 'status'
export interface VerificationFilter {
  customer_id?: number
  staff_id?: number
  status?: VerificationStatus
}

/** Agents see their own verifications; compliance sees everyone's. Results per question, never answers. */
function visibleVerifications(db: Kysely<Database>, staff: SignedInStaff) {
  const query = db.selectFrom('verifications as v').innerJoin('staff_users as s', 's.id', 'v.staff_id')
  return staff.role === 'compliance' ? query : query.where('v.staff_id', '=', staff.id)
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

export async function listVerifications(db: Kysely<Database>, staff: SignedInStaff, q: ListQuery<VerificationSort, VerificationFilter>) {
  let query = visibleVerifications(db, staff)
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

export async function getVerification(db: Kysely<Database>, staff: SignedInStaff, id: number) {
  const row = await visibleVerifications(db, staff).select(VERIFICATION_COLUMNS).where('v.id', '=', id).executeTakeFirst()
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
