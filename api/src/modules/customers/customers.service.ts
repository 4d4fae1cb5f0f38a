import type { Customer, Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { SignedInStaff } from '../../platform/context.js'
import { badRequest, notFound } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { maskDigits, maskEmail, maskName } from './masking.js'
import { searchCondition } from './customers.search.js'

export type CustomerSort = 'id' | 'created_at' | 'country' | 'status'
export interface CustomerFilter {
  q?: string
  status?: 'active' | 'locked' | 'erased'
  country?: string
  id?: number | number[]
}

/** The columns a customer view is built from; credentials are in a table no route reads. */
const CUSTOMER_COLUMNS = [
  'id', 'first_name', 'last_name', 'email', 'phone', 'birth_date', 'gender', 'country', 'region', 'city', 'status',
  'guardian_name', 'guardian_consent_at', 'created_at', 'last_login_at',
] as const

type CustomerRow = Pick<Customer, (typeof CUSTOMER_COLUMNS)[number]>

/** What an unverified agent may see: initials, the email's domain, the last four digits, city and country. */
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

export function unmaskedCustomer(c: CustomerRow, unmaskedUntil: string | null) {
  return { ...c, name: [c.first_name, c.last_name].filter(Boolean).join(' '), masked: false as const, unmasked_until: unmaskedUntil }
}

/** The end of this staff member's open unmask window on this customer (a passed verification), if any. */
export async function unmaskWindow(db: Kysely<Database>, staffId: number, customerId: number, now: Date) {
  const row = await db
    .selectFrom('verifications')
    .select('unmasked_until')
    .where('staff_id', '=', staffId)
    .where('customer_id', '=', customerId)
    .where('status', '=', 'verified')
    .where('unmasked_until', '>', now.toISOString())
    .orderBy('unmasked_until', 'desc')
    .executeTakeFirst()
  return row?.unmasked_until ?? null
}

const actorOf = (staff: SignedInStaff) => ({ id: staff.id, role: staff.role })

/** Search results are always masked: a list is never the place to read one person's details. */
export async function searchCustomers(
  db: Kysely<Database>,
  staff: SignedInStaff,
  q: ListQuery<CustomerSort, CustomerFilter>,
  meta: { ip: string | null; now: Date },
) {
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
  await db.transaction().execute((trx) =>
    appendAudit(trx, { actor: actorOf(staff), action: 'customer.search', ip: meta.ip, details: { kind, results: Number(count.n) } }, meta.now),
  )
  return { rows: rows.map(maskedCustomer), total: Number(count.n) }
}

/** One customer: unmasked only inside this staff member's verified window. Every read is on the record. */
export async function readCustomer(db: Kysely<Database>, staff: SignedInStaff, id: number, meta: { ip: string | null; now: Date }) {
  const row = await db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Customer')
  const until = await unmaskWindow(db, staff.id, id, meta.now)
  await db.transaction().execute((trx) =>
    appendAudit(
      trx,
      { actor: actorOf(staff), action: until ? 'customer.read_unmasked' : 'customer.read', entityType: 'customer', entityId: id, customerId: id, ip: meta.ip, details: { basis: until ? 'verification' : 'masked' } },
      meta.now,
    ),
  )
  return until ? unmaskedCustomer(row, until) : maskedCustomer(row)
}
