import { createHash, randomBytes } from 'node:crypto'
import type { Customer, Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { AppConfig, SignedInStaff } from '../../platform/context.js'
import { badRequest, conflict, notFound, unprocessable } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { isUnderLegalHold } from '../disclosures/legal-holds.js'
import { deliverMessage, queueMessage } from '../outbox/outbox.service.js'
import { getSetting } from '../settings/settings.service.js'
import { customerAccess, type CustomerAccess } from './customer-access.js'
import { searchCondition } from './customers.search.js'
import { maskDigits, maskEmail, maskName } from '../../platform/masking.js'

export type CustomerSort = 'id' | 'created_at' | 'country' | 'status'
export interface CustomerFilter {
  q?: string
  status?: 'active' | 'locked' | 'erased'
  country?: string
  id?: number | number[]
}

/** The columns a customer view is built from; credentials live in a table no route reads. */
const CUSTOMER_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'birth_date',
  'gender',
  'country',
  'region',
  'city',
  'status',
  'guardian_name',
  'guardian_consent_at',
  'created_at',
  'last_login_at',
] as const
type CustomerRow = Pick<Customer, (typeof CUSTOMER_COLUMNS)[number]>

interface Meta {
  ip: string | null
  now: Date
}
const actorOf = (staff: SignedInStaff) => ({ id: staff.id, role: staff.role })

/** What anyone not verified for this caller may see: initials, the email's domain, the last four digits, city and country. */
export function maskedCustomer(c: CustomerRow) {
  return {
    id: c.id,
    name: maskName(c.first_name, c.last_name),
    email: maskEmail(c.email),
    phone: maskDigits(c.phone),
    city: c.city,
    country: c.country,
    status: c.status,
    masked: true as const,
  }
}

function unmaskedCustomer(c: CustomerRow) {
  return { ...c, name: [c.first_name, c.last_name].filter(Boolean).join(' '), masked: false as const }
}

/** Search results are always masked: a list is never the place to read one person's details. */
export async function searchCustomers(db: Kysely<Database>, staff: SignedInStaff, q: ListQuery<CustomerSort, CustomerFilter>, meta: Meta) {
  const { q: text, status, country, id } = q.filter
  if (!text && id === undefined && staff.role === 'agent') {
    throw badRequest('Search by email, phone, name, order number or customer id.', { q: 'Enter what the caller gives you' })
  }
  let query = db.selectFrom('customers')
  let kind: string | null = null
  if (text) {
    const search = searchCondition(db, text)
    kind = search.kind
    query = query.where(search.where)
  }
  if (status) query = query.where('status', '=', status)
  if (country) query = query.where('country', '=', country)
  if (id !== undefined) query = query.where('id', 'in', idList(id))
  const [rows, count] = await Promise.all([
    query.select(CUSTOMER_COLUMNS).orderBy(q.sort.field, q.sort.order).orderBy('id').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  await db
    .transaction()
    .execute((trx) =>
      appendAudit(
        trx,
        { actor: actorOf(staff), action: 'customer.search', ip: meta.ip, details: { kind, results: Number(count.n) } },
        meta.now,
      ),
    )
  return { rows: rows.map(maskedCustomer), total: Number(count.n) }
}

/** Everything on file about one customer, shaped for who is asking: masked unless access is open. */
async function customerRecord(db: Kysely<Database>, row: CustomerRow, access: CustomerAccess, staff: SignedInStaff) {
  const open = access.basis !== null
  const id = row.id
  const [addresses, cards, orders, logs, verifications, requests, grants, holdFlags, legalHold] = await Promise.all([
    db.selectFrom('addresses').selectAll().where('customer_id', '=', id).orderBy('is_default', 'desc').orderBy('id').execute(),
    db.selectFrom('payment_methods').selectAll().where('customer_id', '=', id).orderBy('id').execute(),
    db.selectFrom('orders').selectAll().where('customer_id', '=', id).orderBy('placed_at', 'desc').limit(20).execute(),
    db.selectFrom('access_logs').selectAll().where('customer_id', '=', id).orderBy('at', 'desc').limit(20).execute(),
    db
      .selectFrom('verifications as v')
      .innerJoin('staff_users as s', 's.id', 'v.staff_id')
      .select(['v.id', 'v.created_at', 'v.channel', 'v.status', 's.name as staff_name'])
      .where('v.customer_id', '=', id)
      .orderBy('v.id', 'desc')
      .limit(10)
      .execute(),
    db
      .selectFrom('data_requests')
      .select(['id', 'type', 'status', 'created_at'])
      .where('customer_id', '=', id)
      .where('status', 'in', ['pending', 'approved'])
      .execute(),
    db
      .selectFrom('unmask_grants as g')
      .innerJoin('staff_users as s', 's.id', 'g.staff_id')
      .select(['g.id', 'g.reason', 'g.created_at', 'g.expires_at', 's.name as staff_name'])
      .where('g.customer_id', '=', id)
      .orderBy('g.id', 'desc')
      .limit(10)
      .execute(),
    staff.role === 'compliance'
      ? db.selectFrom('flags').select(['id', 'kind', 'created_at']).where('customer_id', '=', id).where('resolved_at', 'is', null).execute()
      : Promise.resolve([]),
    isUnderLegalHold(db, id),
  ])
  return {
    ...(open ? unmaskedCustomer(row) : maskedCustomer(row)),
    access,
    // The bare fact, for every role that sees the record: it is what blocks an erasure.
    legal_hold: legalHold,
    addresses: addresses.map((a) =>
      open
        ? {
            id: a.id,
            label: a.label,
            recipient_name: a.recipient_name,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
            phone: a.phone,
            is_default: a.is_default === 1,
          }
        : { id: a.id, label: a.label, city: a.city, country: a.country, is_default: a.is_default === 1 },
    ),
    // Brand and last four at most; the last four only once verified, since callers are asked for them.
    payment_methods: cards.map((p) =>
      open ? { id: p.id, brand: p.brand, last4: p.last4, exp_month: p.exp_month, exp_year: p.exp_year } : { id: p.id, brand: p.brand },
    ),
    orders: orders.map((o) =>
      open
        ? {
            id: o.id,
            number: o.number,
            placed_at: o.placed_at,
            status: o.status,
            total_cents: o.total_cents,
            currency: o.currency,
            ship_name: o.ship_name,
            ship_address: o.ship_address,
            ship_country: o.ship_country,
          }
        : { id: o.id, placed_at: o.placed_at.slice(0, 10), status: o.status, total_cents: o.total_cents, currency: o.currency },
    ),
    access_logs: logs.map((l) =>
      open
        ? { id: l.id, at: l.at, ip: l.ip, os: l.os, browser: l.browser, referrer: l.referrer }
        : { id: l.id, at: l.at.slice(0, 10), os: l.os, browser: l.browser },
    ),
    verifications,
    open_requests: requests,
    // The written reasons are for compliance, and for an agent who is already verified for this caller.
    break_glass: staff.role === 'compliance' || open ? grants : grants.map(({ reason: _reason, ...g }) => g),
    flags: holdFlags,
  }
}

/** One customer. Every read is on the record, unmasked ones with their basis. */
export async function readCustomer(db: Kysely<Database>, staff: SignedInStaff, id: number, meta: Meta) {
  const row = await db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Customer')
  const access = await customerAccess(db, staff, id, meta.now)
  const record = await customerRecord(db, row, access, staff)
  await db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: access.basis ? 'customer.read_unmasked' : 'customer.read',
        entityType: 'customer',
        entityId: id,
        customerId: id,
        ip: meta.ip,
        details: { basis: access.basis ?? 'masked' },
      },
      meta.now,
    ),
  )
  return record
}

/** Compliance opens a record unmasked by giving a written reason ("break-glass"); audited and shown on the record, which is then read as usual. */
export async function breakGlass(db: Kysely<Database>, staff: SignedInStaff, id: number, reason: string, meta: Meta) {
  const customer = await db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst()
  if (!customer) throw notFound('Customer')
  const minutes = await getSetting(db, 'unmask_window_minutes')
  const expiresAt = new Date(meta.now.getTime() + minutes * 60_000).toISOString()
  return db.transaction().execute(async (trx) => {
    const grant = await trx
      .insertInto('unmask_grants')
      .values({ staff_id: staff.id, customer_id: id, reason, created_at: meta.now.toISOString(), expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow()
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'customer.break_glass',
        entityType: 'unmask_grant',
        entityId: grant.id,
        customerId: id,
        ip: meta.ip,
        details: { minutes },
      },
      meta.now,
    )
    return { id: grant.id, customerId: id, expiresAt }
  })
}

const RESET_LINK_MINUTES = 60

/**
 * Sends the customer a password-reset link to the email on file: the only thing staff can do about a password.
 * Needs open access (a verified caller); the token is stored hashed and the link exists only in the message.
 */
export async function sendPasswordReset(db: Kysely<Database>, config: AppConfig, staff: SignedInStaff, id: number, meta: Meta) {
  const row = await db.selectFrom('customers').select(['id', 'email', 'status']).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Customer')
  const access = await customerAccess(db, staff, id, meta.now)
  if (!access.basis) throw conflict('Verify the caller before sending a reset link.')
  if (row.status === 'erased') throw conflict('This customer was erased.')
  if (!row.email) throw unprocessable('There is no email on file to send a reset link to.')
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(meta.now.getTime() + RESET_LINK_MINUTES * 60_000)
  const message = {
    channel: 'email' as const,
    recipient: row.email,
    subject: 'Reset your password',
    body: `Someone from our customer service sent you this link at your request. Set a new password here within ${RESET_LINK_MINUTES} minutes:\n\n${config.resetUrl}?token=${token}\n\nWe will never ask you for your password.`,
  }
  const outboxId = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('password_reset_tokens')
      .values({
        customer_id: id,
        token_hash: createHash('sha256').update(token).digest('hex'),
        requested_by: staff.id,
        created_at: meta.now.toISOString(),
        expires_at: expiresAt.toISOString(),
        used_at: null,
      })
      .execute()
    const outboxId = await queueMessage(
      trx,
      { ...message, customerId: id, template: 'password_reset', payload: { expires_minutes: RESET_LINK_MINUTES } },
      meta.now,
    )
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'customer.password_reset_sent',
        entityType: 'outbox',
        entityId: outboxId,
        customerId: id,
        ip: meta.ip,
      },
      meta.now,
    )
    return outboxId
  })
  const status = await deliverMessage(db, config.transport, outboxId, message, meta.now)
  return { outboxId, status, recipient: maskEmail(row.email), expiresAt: expiresAt.toISOString() }
}
