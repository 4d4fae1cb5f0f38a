import { randomInt } from 'node:crypto'
import type { Database, VerificationField, VerificationStatus } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { SignedInStaff } from '../../platform/context.js'
import { conflict, notFound, unprocessable } from '../../platform/errors.js'
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

interface Meta {
  ip: string | null
  now: Date
}

/** What is on file for each question, read only to compare: it never leaves this module. */
async function storedAnswers(db: Kysely<Database>, customerId: number): Promise<Map<VerificationField, string[]>> {
  const [customer, addresses, orders, cards] = await Promise.all([
    db.selectFrom('customers').select(['birth_date', 'phone', 'email']).where('id', '=', customerId).executeTakeFirst(),
    db.selectFrom('addresses').select('postal_code').where('customer_id', '=', customerId).execute(),
    db.selectFrom('orders').select('number').where('customer_id', '=', customerId).orderBy('placed_at', 'desc').limit(RECENT_ORDERS).execute(),
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
  put('postal_code', addresses.map((a) => a.postal_code))
  put('order_number', orders.map((o) => o.number))
  put('card_last4', cards.map((c) => c.last4))
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
      { actor: actorOf(staff), action: 'verification.start', entityType: 'verification', entityId: id, customerId: customer.id, ip: meta.ip, details: { channel: input.channel, fields } },
      meta.now,
    )
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
  const verification = await db.selectFrom('verifications').selectAll().where('id', '=', id).executeTakeFirst()
  if (!verification || verification.staff_id !== staff.id) throw notFound('Verification')
  if (verification.status === 'pending' && Date.parse(verification.expires_at) <= meta.now.getTime()) {
    await db.updateTable('verifications').set({ status: 'expired', completed_at: meta.now.toISOString() }).where('id', '=', id).execute()
    throw conflict('This verification expired. Start a new one.')
  }
  if (verification.status !== 'pending') throw conflict(`This verification is already ${verification.status}.`)

  const questions = await db.selectFrom('verification_questions').selectAll().where('verification_id', '=', id).orderBy('position').execute()
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

  const answered = new Map(questions.filter((q) => q.matched !== null).map((q) => [q.id, q.matched === 1]))
  for (const r of results) answered.set(r.questionId, r.match)
  const failed = [...answered.values()].some((m) => !m)
  const complete = answered.size === questions.length
  const status: VerificationStatus = failed ? 'failed' : complete ? 'verified' : 'pending'
  const windowMinutes = await getSetting(db, 'unmask_window_minutes')
  const unmaskedUntil = status === 'verified' ? new Date(meta.now.getTime() + windowMinutes * 60_000).toISOString() : null

  await db.transaction().execute(async (trx) => {
    for (const r of results) {
      await trx
        .updateTable('verification_questions')
        .set({ matched: r.match ? 1 : 0, answered_at: meta.now.toISOString() })
        .where('id', '=', r.questionId)
        .execute()
    }
    if (status !== 'pending') {
      await trx
        .updateTable('verifications')
        .set({ status, completed_at: meta.now.toISOString(), unmasked_until: unmaskedUntil })
        .where('id', '=', id)
        .execute()
    }
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: status === 'pending' ? 'verification.answer' : `verification.${status}`,
        entityType: 'verification',
        entityId: id,
        customerId: verification.customer_id,
        ip: meta.ip,
        details: { answered: results.length, matched: results.filter((r) => r.match).length },
      },
      meta.now,
    )
  })
  return { id, status, results, unmaskedUntil }
}
