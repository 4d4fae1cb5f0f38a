import {
  type Database,
  type DataRequest,
  type DataRequestStatus,
  type DataRequestType,
  flushErasedValues,
  foldedNames,
  lockForUpdate,
  type VerificationField,
} from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { conflict, forbidden, notFound, unprocessable } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { maskEmail, maskName, maskPhone } from '../../platform/masking.js'
import { requireFreshProof } from '../../platform/fresh-proof.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { deliverMessage, type QueuedMessage, queueMessage } from '../outbox/outbox.service.js'
import { customerDataExport, storeExport } from './access-export.js'
import { daysLeft, dueDate, extendedDueDate } from './deadlines.js'
import { recountNow } from '../reports/summaries.js'
import { executeErasure } from './erasure.js'
import type { EditChanges, RequestCreate } from './requests.schemas.js'

const TYPE_NAME: Record<DataRequestType, string> = { edit: 'correction', erasure: 'deletion', access: 'copy of your data' }
const day = (iso: string) => iso.slice(0, 10)

/** The verification questions an edit's fields would answer: a change may not rest on a verification that asked them. */
function questionsTouched(changes: EditChanges): VerificationField[] {
  const touched = new Set<VerificationField>()
  if (changes.email) touched.add('email')
  if (changes.phone) touched.add('phone_last4')
  if (changes.addresses?.some((a) => a.postal_code !== undefined)) touched.add('postal_code')
  if (changes.payment_methods) touched.add('card_last4')
  return [...touched]
}

/** The field names an edit changes, for the audit log and the result: never the values. */
function changedFields(changes: EditChanges): string[] {
  const fields: string[] = []
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'addresses')
      for (const a of changes.addresses!)
        fields.push(
          ...Object.keys(a)
            .filter((k) => k !== 'id')
            .map((k) => `addresses.${k}`),
        )
    else if (key === 'payment_methods') fields.push('payment_methods.remove')
    else if (value !== undefined) fields.push(key)
  }
  return [...new Set(fields)]
}

/** The message to the customer about their request, to the email on file, or by text message without one. */
function noticeTo(customer: { email: string | null; phone: string | null }, subject: string, body: string) {
  if (customer.email) return { channel: 'email' as const, recipient: customer.email, subject, body }
  if (customer.phone) return { channel: 'sms' as const, recipient: customer.phone, subject, body }
  return null
}

type Outgoing = { id: number; message: Omit<QueuedMessage, 'customerId' | 'template' | 'payload' | 'storedRecipient'> }
async function queueNotice(
  trx: Trx,
  ctx: StaffContext,
  customer: { id: number; email: string | null; phone: string | null },
  template: 'request_receipt' | 'request_notice',
  subject: string,
  body: string,
  payload: Record<string, string | number>,
  storedRecipient?: string,
): Promise<Outgoing | null> {
  const message = noticeTo(customer, subject, body)
  if (!message) return null
  const id = await queueMessage(trx, { ...message, customerId: customer.id, template, payload, storedRecipient }, ctx.now)
  return { id, message }
}
const deliver = async (db: Kysely<Database>, ctx: StaffContext, sent: (Outgoing | null)[]) => {
  for (const s of sent) if (s) await deliverMessage(db, ctx.config.transport, s.id, s.message, ctx.now)
}

/**
 * Files a request for a customer. An agent files for a caller they verified, within the window the pass opened, and an
 * edit may not change what that verification asked; compliance may file one received in writing. In one transaction:
 * the customer and the verification are checked, a second open request of the same type is refused naming the first,
 * the due date is set by the rule of the customer's country, and a receipt is queued.
 */
export async function fileRequest(db: Kysely<Database>, ctx: StaffContext, input: RequestCreate) {
  const { request, sent } = await inTransaction(db, async (trx) => {
    const customer = await lockForUpdate(
      trx,
      trx.selectFrom('customers').select(['id', 'status', 'country', 'email', 'phone']).where('id', '=', input.customerId),
    ).executeTakeFirst()
    if (!customer) throw notFound('Customer')
    if (customer.status === 'erased') throw conflict('This customer was erased; there is nothing left to act on.')

    let channel: string = input.channel ?? 'phone'
    let caller = { caller: input.caller, name: input.callerName ?? null }
    if (input.verificationId !== undefined) {
      const v = await trx.selectFrom('verifications').selectAll().where('id', '=', input.verificationId).executeTakeFirst()
      if (!v || v.staff_id !== ctx.staff.id || v.customer_id !== customer.id) {
        throw unprocessable('That is not your verification of this customer.', { verificationId: 'Not your verification of this customer' })
      }
      if (v.status !== 'verified' || !v.unmasked_until || Date.parse(v.unmasked_until) <= ctx.now.getTime()) {
        throw conflict('File the request while the caller is verified: this verification did not pass, or its window has closed.')
      }
      if (input.changes) {
        const asked = (await trx.selectFrom('verification_questions').select('field').where('verification_id', '=', v.id).execute()).map(
          (q) => q.field,
        )
        const overlap = questionsTouched(input.changes).filter((f) => asked.includes(f))
        if (overlap.length) {
          throw unprocessable('The caller was verified with what this would change: verify them with other questions first.', {
            changes: `Verified with ${overlap.join(', ')}`,
          })
        }
      }
      channel = input.channel ?? v.channel
      // Who called is what the verification recorded.
      caller = { caller: v.caller, name: v.caller_name }
      if (v.caller === 'authorised_agent') {
        throw unprocessable('A request from an authorised agent needs their written permission: compliance files it from the letter.', {
          verificationId: 'The caller was an authorised agent',
        })
      }
    } else if (ctx.staff.role === 'agent') {
      throw unprocessable('Verify the caller first, then file the request from their record.', { verificationId: 'Required' })
    } else if (input.channel && input.channel !== 'written') {
      // Without a verification, only a request received in writing can be filed: a caller is verified first.
      throw unprocessable('A request by phone, chat or in person is filed for a verified caller.', { verificationId: 'Required' })
    } else {
      channel = 'written'
    }
    if (input.receivedAt && channel !== 'written') {
      throw unprocessable('Only a request received in writing has a date of receipt of its own.', {
        receivedAt: 'Only for written requests',
      })
    }

    const open = await trx
      .selectFrom('data_requests')
      .select('id')
      .where('customer_id', '=', customer.id)
      .where('type', '=', input.type)
      .where('status', '=', 'pending')
      .executeTakeFirst()
    if (open) throw conflict(`Request #${open.id} of this type is already open for this customer.`, { type: `Open as #${open.id}` })
    if (input.changes) await checkEdit(trx, customer.id, input.changes)

    // A letter is due from the day it arrived, not the day it was typed in.
    const received = input.receivedAt ? new Date(`${input.receivedAt}T00:00:00Z`) : ctx.now
    if (received.getTime() > ctx.now.getTime())
      throw unprocessable('The date of receipt is in the future.', { receivedAt: 'In the future' })
    const due = await dueDate(trx, customer.country, received)
    const at = ctx.now.toISOString()
    const { id } = await trx
      .insertInto('data_requests')
      .values({
        customer_id: customer.id,
        type: input.type,
        verification_id: input.verificationId ?? null,
        changes: input.changes ? JSON.stringify(input.changes) : null,
        filed_by: ctx.staff.id,
        decided_by: null,
        decided_at: null,
        decision_note: null,
        completed_at: null,
        created_at: at,
        updated_at: at,
        due_at: due.toISOString(),
        extended_at: null,
        extension_reason: null,
        caller: caller.caller,
        caller_name: caller.name,
        channel,
        result: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, ctx, {
      action: 'request.file',
      entityType: 'request',
      entityId: id,
      customerId: customer.id,
      details: { type: input.type, caller: caller.caller, channel, fields: input.changes ? changedFields(input.changes) : [] },
    })
    const receipt = await queueNotice(
      trx,
      ctx,
      customer,
      'request_receipt',
      `We received your request (#${id})`,
      `We received your request for a ${TYPE_NAME[input.type]} (#${id}) on ${day(at)}. We will answer by ${day(due.toISOString())} at the latest.`,
      { request_id: id, type: input.type, due: day(due.toISOString()) },
    )
    return { request: id, sent: [receipt] }
  })
  await deliver(db, ctx, sent)
  return getRequest(db, ctx, request)
}

/**
 * An edit validated against what is on file: the addresses and cards the customer's own, and, when it is applied, the
 * email free. Filing does not say whether another account uses an email, or filing would be a way to look emails up.
 */
async function checkEdit(trx: Trx, customerId: number, changes: EditChanges, applying = false) {
  if (changes.email && applying) {
    const taken = await trx
      .selectFrom('customers')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', changes.email!))
      .where('id', '!=', customerId)
      .executeTakeFirst()
    if (taken) throw conflict('Another account uses this email.', { 'changes.email': 'Used by another account' })
  }
  const own = async (table: 'addresses' | 'payment_methods', ids: number[], field: string) => {
    if (!ids.length) return
    const found = await trx.selectFrom(table).select('id').where('customer_id', '=', customerId).where('id', 'in', ids).execute()
    const missing = ids.filter((id) => !found.some((f) => f.id === id))
    if (missing.length)
      throw unprocessable(`No ${field} ${missing.join(', ')} on this account.`, { [`changes.${field}`]: `Unknown ${missing.join(', ')}` })
  }
  await own('addresses', changes.addresses?.map((a) => a.id) ?? [], 'addresses')
  await own('payment_methods', changes.payment_methods?.map((p) => p.id) ?? [], 'payment_methods')
}

/** Applies an approved edit: the account's fields, the addresses named, the cards removed. */
async function applyEdit(trx: Trx, customerId: number, changes: EditChanges) {
  await checkEdit(trx, customerId, changes, true)
  const { addresses, payment_methods, marketing_opt_in, ...account } = changes
  if (Object.keys(account).length || marketing_opt_in !== undefined) {
    const current = await trx
      .selectFrom('customers')
      .select(['first_name', 'last_name'])
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow()
    const names = { first_name: account.first_name ?? current.first_name, last_name: account.last_name ?? current.last_name }
    await trx
      .updateTable('customers')
      .set({
        ...account,
        ...(account.first_name || account.last_name ? foldedNames(names) : {}),
        ...(marketing_opt_in !== undefined ? { marketing_opt_in: marketing_opt_in ? 1 : 0 } : {}),
      })
      .where('id', '=', customerId)
      .execute()
  }
  for (const { id, is_default, ...fields } of addresses ?? []) {
    if (is_default) await trx.updateTable('addresses').set({ is_default: 0 }).where('customer_id', '=', customerId).execute()
    await trx
      .updateTable('addresses')
      .set({ ...fields, ...(is_default ? { is_default: 1 } : {}) })
      .where('id', '=', id)
      .where('customer_id', '=', customerId)
      .execute()
  }
  const removed = payment_methods?.map((p) => p.id) ?? []
  if (removed.length) await trx.deleteFrom('payment_methods').where('customer_id', '=', customerId).where('id', 'in', removed).execute()
}

/** The disclosures under which this customer's data went to a recipient, who must be told of a correction or erasure (GDPR Art. 19). */
async function recipientsToTell(trx: Trx, customerId: number) {
  return trx
    .selectFrom('disclosures as d')
    .innerJoin('disclosure_subjects as s', 's.disclosure_id', 'd.id')
    .select(['d.id', 'd.authority', 'd.case_number as caseNumber', 'd.disclosed_at as disclosedAt'])
    .where('s.customer_id', '=', customerId)
    .where('d.status', 'in', ['disclosed', 'partially_disclosed'])
    .orderBy('d.id')
    .execute()
}

/** A pending request, read and locked for a workflow step; one an agent did not file does not exist for them. */
export async function pendingRequest(trx: Trx, ctx: StaffContext, id: number): Promise<DataRequest> {
  const r = await lockForUpdate(trx, trx.selectFrom('data_requests').selectAll().where('id', '=', id)).executeTakeFirst()
  if (!r || (ctx.staff.role !== 'compliance' && r.filed_by !== ctx.staff.id)) throw notFound('Request')
  if (r.status !== 'pending') throw conflict(`This request is already ${r.status}.`)
  return r
}

/** Moves a request out of pending, on the condition that it still is: of parallel steps, one wins and the rest get 409. */
async function settle(trx: Trx, ctx: StaffContext, id: number, status: DataRequestStatus, note: string | null) {
  const at = ctx.now.toISOString()
  const done = await trx
    .updateTable('data_requests')
    .set({
      status,
      decided_by: ctx.staff.id,
      decided_at: at,
      decision_note: note,
      completed_at: status === 'completed' ? at : null,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  if (done.numUpdatedRows === 0n) throw conflict('Someone else settled this request a moment ago.')
}

const fourEyes = (r: DataRequest, ctx: StaffContext) => {
  if (r.filed_by === ctx.staff.id) throw forbidden('A compliance officer other than whoever filed the request decides it.')
}

/**
 * Approves a request, which carries it out, in one transaction with the check that it is pending and that the approver
 * did not file it: an edit is applied, an erasure executed (refused under a legal hold), an access export produced and
 * sent as a link. The customer is told, and the disclosures whose recipients must hear of a change are listed.
 */
export async function approveRequest(db: Kysely<Database>, ctx: StaffContext, id: number, links: { exportBase: string }) {
  const outcome = await inTransaction(db, async (trx) => {
    const r = await pendingRequest(trx, ctx, id)
    fourEyes(r, ctx)
    if (r.type === 'erasure') requireFreshProof(ctx)
    if (r.caller === 'authorised_agent') {
      const letters = await trx.selectFrom('request_attachments').select('id').where('request_id', '=', id).execute()
      if (!letters.length) throw conflict('Attach the authorised agent’s written permission before approving their request.')
    }
    await settle(trx, ctx, id, 'completed', null)
    const customer = await trx
      .selectFrom('customers')
      .select(['id', 'email', 'phone', 'status'])
      .where('id', '=', r.customer_id)
      .executeTakeFirstOrThrow()
    if (customer.status === 'erased') throw conflict('This customer was erased; there is nothing left to act on.')
    const recipients = r.type === 'access' ? [] : await recipientsToTell(trx, r.customer_id)
    let result: Record<string, unknown>
    let notice: Outgoing | null
    const also: (Outgoing | null)[] = []
    const subject = `Your request #${id} is complete`
    if (r.type === 'edit') {
      const changes = JSON.parse(r.changes!) as EditChanges
      await applyEdit(trx, r.customer_id, changes)
      const fields = changedFields(changes)
      result = { fields, recipients }
      await audit(trx, ctx, {
        action: 'customer.edit',
        entityType: 'customer',
        entityId: r.customer_id,
        customerId: r.customer_id,
        details: { request: id, fields },
      })
      // Told at the address on file before the change, and at the new one when the email changed.
      const body = `We made the correction you asked for (#${id}).`
      notice = await queueNotice(trx, ctx, customer, 'request_notice', subject, body, { request_id: id, outcome: 'completed' })
      if (changes.email && changes.email !== customer.email?.toLowerCase()) {
        also.push(
          await queueNotice(trx, ctx, { ...customer, email: changes.email }, 'request_notice', subject, body, {
            request_id: id,
            outcome: 'completed',
          }),
        )
      }
    } else if (r.type === 'erasure') {
      // The confirmation goes to the address on file; the record of it keeps that address masked, since it is erased.
      const stored = customer.email ? maskEmail(customer.email) : maskPhone(customer.phone)
      notice = await queueNotice(
        trx,
        ctx,
        customer,
        'request_notice',
        subject,
        `We deleted your account and the personal data that goes with it (#${id}). Records the law requires us to keep, such as order amounts for the accounts, no longer name you.`,
        { request_id: id, outcome: 'completed' },
        stored ?? undefined,
      )
      const certificate = await executeErasure(trx, r.customer_id, ctx.now)
      // Nothing the report summaries counted the person as outlives this commit.
      await recountNow(trx, ctx, [r.customer_id])
      result = { certificate, recipients }
      // The customer's other open requests have nothing left to act on: each is withdrawn, on its own record.
      const others = await trx
        .updateTable('data_requests')
        .set({ status: 'cancelled', decided_by: ctx.staff.id, decided_at: ctx.now.toISOString(), updated_at: ctx.now.toISOString() })
        .where('customer_id', '=', r.customer_id)
        .where('status', '=', 'pending')
        .returning(['id', 'type'])
        .execute()
      for (const other of others) {
        await audit(trx, ctx, {
          action: 'request.cancel',
          entityType: 'request',
          entityId: other.id,
          customerId: r.customer_id,
          details: { type: other.type, erased_by_request: id },
        })
      }
      await audit(trx, ctx, {
        action: 'customer.erase',
        entityType: 'customer',
        entityId: r.customer_id,
        customerId: r.customer_id,
        details: { request: id, deleted: Object.values(certificate.deleted).reduce((a, b) => a + b, 0) },
      })
    } else {
      const content = await customerDataExport(trx, r.customer_id, ctx.now)
      const link = await storeExport(trx, id, content, ctx.now)
      result = { export: { expires_at: link.expiresAt } }
      notice = await queueNotice(
        trx,
        ctx,
        customer,
        'request_notice',
        subject,
        `A copy of the data we hold about you is ready (#${id}). Download it within ${link.days} days:\n\n${links.exportBase}/${link.token}\n\nA readable version: ${links.exportBase}/${link.token}?format=html`,
        { request_id: id, outcome: 'completed', expires_days: link.days },
      )
    }
    await trx
      .updateTable('data_requests')
      .set({ result: JSON.stringify(result) })
      .where('id', '=', id)
      .execute()
    await audit(trx, ctx, {
      action: 'request.approve',
      entityType: 'request',
      entityId: id,
      customerId: r.customer_id,
      details: { type: r.type, recipients: recipients.length },
    })
    return { sent: [notice, ...also], erased: r.type === 'erasure' }
  })
  // The erasure has committed: a log that will not empty now is emptied at the next start or compaction, not an error here.
  if (outcome.erased)
    await flushErasedValues(db).catch((e: unknown) => console.error(`After an erasure: ${e instanceof Error ? e.message : String(e)}`))
  await deliver(db, ctx, outcome.sent)
  return getRequest(db, ctx, id)
}

/** Rejects a request with the reason, which goes to the customer; someone other than the filer decides. */
export async function rejectRequest(db: Kysely<Database>, ctx: StaffContext, id: number, reason: string) {
  const sent = await inTransaction(db, async (trx) => {
    const r = await pendingRequest(trx, ctx, id)
    fourEyes(r, ctx)
    await settle(trx, ctx, id, 'rejected', reason)
    await audit(trx, ctx, {
      action: 'request.reject',
      entityType: 'request',
      entityId: id,
      customerId: r.customer_id,
      details: { type: r.type },
    })
    const customer = await trx
      .selectFrom('customers')
      .select(['id', 'email', 'phone'])
      .where('id', '=', r.customer_id)
      .executeTakeFirstOrThrow()
    return [
      await queueNotice(
        trx,
        ctx,
        customer,
        'request_notice',
        `About your request #${id}`,
        `We cannot carry out your request #${id}: ${reason}`,
        {
          request_id: id,
          outcome: 'rejected',
        },
      ),
    ]
  })
  await deliver(db, ctx, sent)
  return getRequest(db, ctx, id)
}

/** Withdraws a request: the filer (the caller changed their mind) or compliance. */
export async function cancelRequest(db: Kysely<Database>, ctx: StaffContext, id: number, reason: string | undefined) {
  await inTransaction(db, async (trx) => {
    const r = await pendingRequest(trx, ctx, id)
    if (ctx.staff.role !== 'compliance' && r.filed_by !== ctx.staff.id)
      throw forbidden('Only whoever filed a request, or compliance, withdraws it.')
    await settle(trx, ctx, id, 'cancelled', reason ?? null)
    await audit(trx, ctx, {
      action: 'request.cancel',
      entityType: 'request',
      entityId: id,
      customerId: r.customer_id,
      details: { type: r.type },
    })
  })
  return getRequest(db, ctx, id)
}

/** Extends the deadline once, as far as the customer's country allows, with the reason; the customer is told. */
export async function extendRequest(db: Kysely<Database>, ctx: StaffContext, id: number, reason: string) {
  const sent = await inTransaction(db, async (trx) => {
    const r = await pendingRequest(trx, ctx, id)
    if (r.extended_at) throw conflict('This request was extended already; a deadline is extended once.')
    const customer = await trx
      .selectFrom('customers')
      .select(['id', 'email', 'phone', 'country'])
      .where('id', '=', r.customer_id)
      .executeTakeFirstOrThrow()
    const due = await extendedDueDate(trx, customer.country, new Date(r.due_at!))
    if (!due) throw conflict('The rule for this customer’s country allows no extension.')
    const done = await trx
      .updateTable('data_requests')
      .set({ due_at: due.toISOString(), extended_at: ctx.now.toISOString(), extension_reason: reason, updated_at: ctx.now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('extended_at', 'is', null)
      .executeTakeFirst()
    if (done.numUpdatedRows === 0n) throw conflict('This request was extended already; a deadline is extended once.')
    await audit(trx, ctx, {
      action: 'request.extend',
      entityType: 'request',
      entityId: id,
      customerId: r.customer_id,
      details: { due: day(due.toISOString()) },
    })
    return [
      await queueNotice(
        trx,
        ctx,
        customer,
        'request_notice',
        `More time for your request #${id}`,
        `We need more time for your request #${id}, and will answer by ${day(due.toISOString())}. The reason: ${reason}`,
        { request_id: id, outcome: 'extended', due: day(due.toISOString()) },
      ),
    ]
  })
  await deliver(db, ctx, sent)
  return getRequest(db, ctx, id)
}

export type RequestSort = 'id' | 'created_at' | 'due_at' | 'status' | 'type'
export interface RequestFilter {
  status?: DataRequestStatus
  type?: DataRequestType
  customer_id?: number
  due?: 'overdue' | 'this_week' | 'later'
  id?: number | number[]
}

/** Compliance sees every request; an agent those they filed. */
function visibleRequests(db: Kysely<Database>, ctx: StaffContext) {
  const query = db
    .selectFrom('data_requests as r')
    .innerJoin('customers as c', 'c.id', 'r.customer_id')
    .innerJoin('staff_users as f', 'f.id', 'r.filed_by')
    .leftJoin('staff_users as d', 'd.id', 'r.decided_by')
  return ctx.staff.role === 'compliance' ? query : query.where('r.filed_by', '=', ctx.staff.id)
}

const LIST_COLUMNS = [
  'r.id',
  'r.customer_id',
  'c.first_name',
  'c.last_name',
  'c.status as customer_status',
  'r.type',
  'r.status',
  'r.caller',
  'r.channel',
  'r.filed_by',
  'f.name as filed_by_name',
  'r.decided_by',
  'd.name as decided_by_name',
  'r.decided_at',
  'r.created_at',
  'r.due_at',
  'r.extended_at',
  'r.completed_at',
] as const

type ListRow = { first_name: string | null; last_name: string | null; due_at: string | null; status: DataRequestStatus }
const presentRow = <T extends ListRow>({ first_name, last_name, ...r }: T, now: Date) => ({
  ...r,
  // The list says whose request it is as a masked record would: the request page is not the place to read a customer.
  customer_name: maskName(first_name, last_name),
  days_left: r.status === 'pending' ? daysLeft(r.due_at, now) : null,
  overdue: r.status === 'pending' && r.due_at !== null && Date.parse(r.due_at) < now.getTime(),
})

export async function listRequests(db: Kysely<Database>, ctx: StaffContext, q: ListQuery<RequestSort, RequestFilter>) {
  let query = visibleRequests(db, ctx)
  const f = q.filter
  if (f.status) query = query.where('r.status', '=', f.status)
  if (f.type) query = query.where('r.type', '=', f.type)
  if (f.customer_id !== undefined) query = query.where('r.customer_id', '=', f.customer_id)
  if (f.id !== undefined) query = query.where('r.id', 'in', idList(f.id))
  if (f.due) {
    const now = ctx.now.toISOString()
    const week = new Date(ctx.now.getTime() + 7 * 86_400_000).toISOString()
    query = query.where('r.status', '=', 'pending')
    if (f.due === 'overdue') query = query.where('r.due_at', '<', now)
    if (f.due === 'this_week') query = query.where('r.due_at', '>=', now).where('r.due_at', '<', week)
    if (f.due === 'later') query = query.where('r.due_at', '>=', week)
  }
  const [rows, count] = await Promise.all([
    query.select(LIST_COLUMNS).orderBy(`r.${q.sort.field}`, q.sort.order).orderBy('r.id', 'asc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows: rows.map((r) => presentRow(r, ctx.now)), total: Number(count.n) }
}

/** One request with its changes, what completing it did, who called, and the timeline of every step from the audit log. */
export async function getRequest(db: Kysely<Database>, ctx: StaffContext, id: number) {
  const row = await visibleRequests(db, ctx)
    .select([...LIST_COLUMNS, 'r.verification_id', 'r.changes', 'r.caller_name', 'r.decision_note', 'r.extension_reason', 'r.result'])
    .where('r.id', '=', id)
    .executeTakeFirst()
  if (!row) throw notFound('Request')
  // The request's own steps, and what carrying it out did to the customer (logged against the customer, naming the request).
  const entries = await db
    .selectFrom('audit_log as a')
    .leftJoin('staff_users as s', 's.id', 'a.actor_id')
    .select(['a.id', 'a.at', 'a.action', 'a.details', 's.name as staff_name'])
    .where((eb) =>
      eb.or([
        eb.and([eb('a.entity_type', '=', 'request'), eb('a.entity_id', '=', String(id))]),
        eb.and([eb('a.customer_id', '=', row.customer_id), eb('a.action', 'in', ['customer.edit', 'customer.erase'])]),
      ]),
    )
    .orderBy('a.id')
    .execute()
  const timeline = entries
    .filter(
      (e) =>
        (e.action.startsWith('request.') && e.action !== 'request.read') || (JSON.parse(e.details) as { request?: number }).request === id,
    )
    .map(({ details: _details, ...e }) => e)
  const attachments = await db
    .selectFrom('request_attachments')
    .select(['id', 'filename', 'content_type', 'size', 'sha256', 'created_at'])
    .where('request_id', '=', id)
    .orderBy('id')
    .execute()
  const { changes, result, ...rest } = row
  return {
    attachments,
    ...presentRow(rest, ctx.now),
    changes: changes ? (JSON.parse(changes) as EditChanges) : null,
    result: result ? resultFor(ctx, JSON.parse(result) as Record<string, unknown>) : null,
    timeline,
    // What this staff member may do next: the console offers only these.
    actions: nextActions(row, ctx),
  }
}

/** A request read from its page: one carrying proposed personal values (an edit's) is on the record, as a record read is. */
export async function readRequest(db: Kysely<Database>, ctx: StaffContext, id: number) {
  const request = await getRequest(db, ctx, id)
  if (request.changes) {
    await inTransaction(db, (trx) =>
      audit(trx, ctx, { action: 'request.read', entityType: 'request', entityId: id, customerId: request.customer_id }),
    )
  }
  return request
}

/** What completing it did, for this reader: the disclosures whose recipients must be told are for compliance alone. */
function resultFor(ctx: StaffContext, result: Record<string, unknown>) {
  if (ctx.staff.role === 'compliance') return result
  const { recipients: _recipients, ...rest } = result
  return rest
}

function nextActions(r: { status: DataRequestStatus; filed_by: number; extended_at: string | null }, ctx: StaffContext) {
  if (r.status !== 'pending') return []
  const actions: ('approve' | 'reject' | 'cancel' | 'extend')[] = []
  const compliance = ctx.staff.role === 'compliance'
  if (compliance && r.filed_by !== ctx.staff.id) actions.push('approve', 'reject')
  if (compliance || r.filed_by === ctx.staff.id) actions.push('cancel')
  if (compliance && !r.extended_at) actions.push('extend')
  return actions
}
