import type { Database, OutboxMessage } from '@verity/db'
import type { Kysely } from 'kysely'
import { notFound } from '../../platform/errors.js'
import type { ListQuery } from '../../platform/list.js'
import { maskContacts, maskEmail, maskPhone } from '../../platform/masking.js'
import type { OutgoingMessage, Transport } from './outbox.transport.js'

export const OUTBOX_TEMPLATES = ['password_reset', 'verification_code', 'request_receipt', 'request_notice', 'staff_password_link'] as const
export type OutboxTemplate = (typeof OUTBOX_TEMPLATES)[number]

export interface QueuedMessage extends OutgoingMessage {
  customerId: number | null
  template: OutboxTemplate
  /** what the record keeps as the recipient when not the address itself (an erased customer's, masked) */
  storedRecipient?: string
  /** what may be kept: never the code or the link */
  payload: Record<string, string | number>
}

/** Queues a message inside the caller's transaction; deliver it after the commit with `deliverMessage`. */
export async function queueMessage(trx: Kysely<Database>, m: QueuedMessage, now: Date): Promise<number> {
  const { id } = await trx
    .insertInto('outbox')
    .values({
      customer_id: m.customerId,
      channel: m.channel,
      template: m.template,
      recipient: m.storedRecipient ?? m.recipient,
      subject: m.subject,
      payload: JSON.stringify(m.payload),
      last_error: null,
      created_at: now.toISOString(),
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

/**
 * Hands the message, secret included, to the transport and records only the outcome: the body with the code or
 * link is never stored. A failed delivery stays on the record as failed; the agent sends a new one.
 */
export async function deliverMessage(db: Kysely<Database>, transport: Transport, id: number, message: OutgoingMessage, now: Date) {
  try {
    const status = await transport.send(message)
    await db.updateTable('outbox').set({ status, attempts: 1, sent_at: now.toISOString() }).where('id', '=', id).execute()
    return status
  } catch (e) {
    // The error may quote the address (an SMTP rejection does): it is kept as the record keeps the recipient (an erased
    // customer's as "[erased]", not even masked), and masked.
    const stored = await db.selectFrom('outbox').select('recipient').where('id', '=', id).executeTakeFirst()
    const quoted = e instanceof Error ? e.message.slice(0, 300) : 'delivery failed'
    const error = maskContacts(stored ? quoted.replaceAll(new RegExp(escapeRegExp(message.recipient), 'gi'), stored.recipient) : quoted)
    await db.updateTable('outbox').set({ status: 'failed', attempts: 1, last_error: error }).where('id', '=', id).execute()
    return 'failed' as const
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export type OutboxSort = 'id' | 'created_at' | 'status'
export interface OutboxFilter {
  customer_id?: number
  status?: 'queued' | 'sent' | 'failed' | 'recorded'
  template?: OutboxTemplate
}

/** Compliance reads the outbox with recipients masked: what was sent, when, and whether it went. */
export async function listOutbox(db: Kysely<Database>, q: ListQuery<OutboxSort, OutboxFilter>) {
  let query = db.selectFrom('outbox')
  if (q.filter.customer_id !== undefined) query = query.where('customer_id', '=', q.filter.customer_id)
  if (q.filter.status) query = query.where('status', '=', q.filter.status)
  if (q.filter.template) query = query.where('template', '=', q.filter.template)
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy(q.sort.field, q.sort.order).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows: rows.map(presentOutbox), total: Number(count.n) }
}

export async function getOutboxMessage(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Message')
  return presentOutbox(row)
}

function presentOutbox(row: OutboxMessage) {
  return {
    ...row,
    recipient: row.channel === 'email' ? maskEmail(row.recipient) : maskPhone(row.recipient),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  }
}
