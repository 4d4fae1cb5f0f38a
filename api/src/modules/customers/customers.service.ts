import { createHash, createHmac, randomBytes } from 'node:crypto'
import type { Customer, Database } from '@verity/db'
import type { Expression, ExpressionBuilder, Kysely, SelectQueryBuilder, SqlBool } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { AppError, badRequest, because, conflict, notFound, tooManyAttempts, unprocessable } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { countEvent } from '../../platform/rate-counter.js'
import { requireFreshProof } from '../../platform/fresh-proof.js'
import { type CommittedRefusal, inTransaction, refuseAfterCommit, type Trx } from '../../platform/transaction.js'
import { openFlag, raiseFlag } from '../flags/flags.service.js'
import { isUnderLegalHold } from '../disclosures/legal-holds.js'
import { deliverMessage, queueMessage } from '../outbox/outbox.service.js'
import { getSetting } from '../settings/settings.service.js'
import { customerAccess, type CustomerAccess } from './customer-access.js'
import { canonicalTerm, classifySearch, foldQuery, searchCondition } from './customers.search.js'
import { maskPhone, maskEmail, maskName, personName } from '../../platform/masking.js'
import { ENDED } from '../../platform/lifecycle.js'

export type CustomerSort = 'id' | 'created_at' | 'country' | 'status'
export interface CustomerFilter {
  q?: string
  status?: 'active' | 'locked' | 'erased'
  country?: string
  id?: number | number[]
}

/** The columns a customer view is built from; credentials live in a table no route reads. */
export const CUSTOMER_COLUMNS = [
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
  'marketing_opt_in',
] as const
type CustomerRow = Pick<Customer, (typeof CUSTOMER_COLUMNS)[number]>

/** What an agent gets of masked customers at once, by id or by one search: a page, not a dump of masked records. */
export const AGENT_PAGE = 25
/** How many of the customers a search matched are named in its audit entry and remembered as found by it. */
const RECORDED_MATCHES = 100

/**
 * What anyone not verified for this caller may see: initials, the email's domain, city and country. Nothing that answers
 * a verification question: no digit of the phone, no card digits, no order number, no postal code, no birth date.
 */
export function maskedCustomer(c: CustomerRow) {
  return {
    id: c.id,
    name: maskName(c.first_name, c.last_name),
    email: maskEmail(c.email),
    phone: maskPhone(c.phone),
    city: c.city,
    country: c.country,
    status: c.status,
    masked: true as const,
  }
}

function unmaskedCustomer(c: CustomerRow) {
  return {
    ...c,
    name: personName(c.first_name, c.last_name),
    marketing_opt_in: c.marketing_opt_in === 1,
    masked: false as const,
  }
}

/** A keyed hash of what was searched for: repeated probes of one value can be tied together without keeping the value. */
function searchTermHash(ctx: StaffContext, term: string): string {
  const key = createHmac('sha256', ctx.config.auditKey).update('verity.search-term').digest()
  return createHmac('sha256', key).update(canonicalTerm(term)).digest('hex').slice(0, 32)
}

/**
 * Counts a lookup of masked customers (a search, or a masked record read) against the staff member's rates per minute
 * and per hour, in the transaction that records it. Past either, the lookup is refused after the commit and compliance
 * is flagged once.
 */
async function countLookup(trx: Trx, ctx: StaffContext): Promise<CommittedRefusal | null> {
  for (const [window, ms, key] of [
    ['minute', 60_000, 'searches_per_minute'],
    ['hour', 3_600_000, 'searches_per_hour'],
  ] as const) {
    const limit = await getSetting(trx, key)
    const rate = await countEvent(trx, `lookup:${window}:staff:${ctx.staff.id}`, ms, ctx.now)
    if (rate.count <= limit) continue
    if (!(await openFlag(trx, ['search_rate'], { staffId: ctx.staff.id }))) {
      await raiseFlag(trx, ctx, { kind: 'search_rate', staffId: ctx.staff.id, details: { [`lookups_in_${window}`]: rate.count, limit } })
    }
    return refuseAfterCommit(
      because(
        'lookup_rate',
        tooManyAttempts(
          `You looked up ${limit} customers in a${window === 'hour' ? 'n' : ''} ${window}, the most allowed. Try again in ${Math.ceil((rate.resetsAt.getTime() - ctx.now.getTime()) / 60_000)} min; compliance has been told.`,
          (rate.resetsAt.getTime() - ctx.now.getTime()) / 1000,
        ),
        { limit, minutes: Math.ceil((rate.resetsAt.getTime() - ctx.now.getTime()) / 60_000) },
      ),
    )
  }
  return null
}

/**
 * Runs `read` (which refuses what is not a whole identifier); a refused search still counts against the lookup rate and
 * is on the record, so fragments of numbers tried one after another show on the audit desk.
 */
export async function refusedSearchOnRecord<T>(db: Kysely<Database>, ctx: StaffContext, text: string, read: () => T): Promise<T> {
  try {
    return read()
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    await inTransaction(db, async (trx) => {
      const refused = await countLookup(trx, ctx)
      if (refused) return refused
      await audit(trx, ctx, {
        action: 'customer.search',
        details: {
          kind: classifySearch(foldQuery(text)),
          refused: e.reason?.key ?? e.code,
          results: 0,
          customers: [],
          term_hmac: searchTermHash(ctx, text),
        },
      })
    })
    throw e
  }
}

/**
 * Search results are always masked: a list is never the place to read one person's details. Each search counts against
 * the staff member's lookup rate, and its audit entry names the customers it matched (not just the page returned) with a
 * keyed hash of the term; what it matched by is remembered, so that identifier is never asked of the caller.
 */
export async function searchCustomers(db: Kysely<Database>, ctx: StaffContext, q: ListQuery<CustomerSort, CustomerFilter>) {
  const { q: text, status, country, id } = q.filter
  const agent = ctx.staff.role === 'agent'
  if (!text && id === undefined && agent) {
    throw badRequest('Search by email, phone, name, order number or customer id.', { q: 'Enter what the caller gives you' })
  }
  if (agent && id !== undefined && idList(id).length > AGENT_PAGE) {
    throw badRequest(`Ask for at most ${AGENT_PAGE} customers by id at once.`, { 'filter.id': `At most ${AGENT_PAGE}` })
  }
  if (agent && q.limit > AGENT_PAGE)
    throw badRequest(`Ask for at most ${AGENT_PAGE} customers at once.`, { range: `At most ${AGENT_PAGE} rows` })
  const search = text ? await refusedSearchOnRecord(db, ctx, text, () => searchCondition(db, text)) : null
  const kind = search?.kind ?? null
  const filtered = <Q extends SelectQueryBuilder<Database, 'customers', object>>(query: Q): Q => {
    let out = query
    if (status) out = out.where('status', '=', status) as Q
    if (country) out = out.where('country', '=', country) as Q
    if (id !== undefined) out = out.where('id', 'in', idList(id)) as Q
    return out
  }
  const matching = (handle: Kysely<Database>) => {
    const query = filtered(handle.selectFrom('customers'))
    return search ? query.where(search.where) : query
  }
  return inTransaction(db, async (trx) => {
    const refused = await countLookup(trx, ctx)
    if (refused) return refused
    // With customers pinned by id, the count tells of each of them whether it matches: every match is remembered then.
    const recorded = id !== undefined ? Math.max(RECORDED_MATCHES, idList(id).length) : RECORDED_MATCHES
    const [page, count] = await Promise.all([
      search && q.sort.field === 'id'
        ? pageByBranches(trx, search.branches, filtered, q, recorded)
        : pageBySort(trx, matching(trx), q, recorded),
      matching(trx)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ])
    const { rows } = page
    // Remembered for every customer matched, shown or not (the count alone tells the agent that a customer pinned by id
    // has this identifier, and another screen shows the masked record: api/src/hostile.test.ts, promise 3), and for
    // every customer shown, however far down the matches the page is.
    const found = [...new Set([...page.found, ...rows.map((r) => r.id)])]
    if (kind && found.length) {
      await trx
        .insertInto('search_hits')
        .values(found.map((customerId) => ({ staff_id: ctx.staff.id, customer_id: customerId, kind, at: ctx.now.toISOString() })))
        .execute()
    }
    await audit(trx, ctx, {
      action: 'customer.search',
      details: {
        kind,
        results: Number(count.n),
        customers: found,
        ...(text ? { term_hmac: searchTermHash(ctx, text) } : {}),
        ...(id !== undefined ? { ids: idList(id).length } : {}),
      },
    })
    return { rows: rows.map(maskedCustomer), total: Number(count.n) }
  })
}

interface SearchPage {
  rows: CustomerRow[]
  /** the first `recorded` matches in the page's order: named in the audit entry, remembered as found */
  found: number[]
}

/** A page in any order: the matches sorted, and the first of them by id for the audit entry. */
async function pageBySort(
  trx: Kysely<Database>,
  query: SelectQueryBuilder<Database, 'customers', object>,
  q: ListQuery<CustomerSort, CustomerFilter>,
  recorded: number,
): Promise<SearchPage> {
  const [rows, matched] = await Promise.all([
    // ties in the sort's own direction, so that a page is read straight off an index (customers_created_at_idx and others)
    query
      .select(CUSTOMER_COLUMNS)
      .orderBy(q.sort.field, q.sort.order)
      .orderBy('id', q.sort.order)
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    query.select('id').orderBy('id').limit(recorded).execute(),
  ])
  return { rows, found: matched.map((r) => r.id) }
}

/**
 * A page by id of a search: each branch's index yields its matches in id order, so each is read only as far as the page
 * (or the matches the audit names) reaches, and the few read are merged. A common family name costs a page, not a sort of
 * its tens of thousands of matches.
 */
async function pageByBranches(
  trx: Kysely<Database>,
  branches: ((eb: ExpressionBuilder<Database, 'customers'>) => Expression<SqlBool>)[],
  filtered: <Q extends SelectQueryBuilder<Database, 'customers', object>>(query: Q) => Q,
  q: ListQuery<CustomerSort, CustomerFilter>,
  recorded: number,
): Promise<SearchPage> {
  const reach = Math.max(recorded, q.offset + q.limit)
  const order = q.sort.order
  const read = await Promise.all(
    branches.map((branch) => filtered(trx.selectFrom('customers').select('id').where(branch)).orderBy('id', order).limit(reach).execute()),
  )
  const ids = [...new Set(read.flatMap((rows) => rows.map((r) => r.id)))].sort((a, b) => (order === 'asc' ? a - b : b - a)).slice(0, reach)
  const shown = ids.slice(q.offset, q.offset + q.limit)
  const rows = shown.length
    ? await trx.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', 'in', shown).orderBy('id', order).execute()
    : []
  return { rows, found: ids.slice(0, recorded) }
}

/** Everything on file about one customer, shaped for who is asking: masked unless access is open. */
async function customerRecord(db: Kysely<Database>, ctx: StaffContext, row: CustomerRow, access: CustomerAccess) {
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
      .select(['id', 'type', 'status', 'created_at', 'due_at'])
      .where('customer_id', '=', id)
      .where('status', '=', 'pending')
      .execute(),
    db
      .selectFrom('unmask_grants as g')
      .innerJoin('staff_users as s', 's.id', 'g.staff_id')
      .select(['g.id', 'g.reason', 'g.created_at', 'g.expires_at', 's.name as staff_name'])
      .where('g.customer_id', '=', id)
      .orderBy('g.id', 'desc')
      .limit(10)
      .execute(),
    ctx.staff.role === 'compliance'
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
        : // No id or day: with the customer id they could spell an order number, which callers are asked for.
          { placed_month: o.placed_at.slice(0, 7), status: o.status, total_cents: o.total_cents, currency: o.currency },
    ),
    access_logs: logs.map((l) =>
      open
        ? { id: l.id, at: l.at, ip: l.ip, os: l.os, browser: l.browser, referrer: l.referrer }
        : { id: l.id, at: l.at.slice(0, 10), os: l.os, browser: l.browser },
    ),
    verifications,
    open_requests: requests,
    // The written reasons are for compliance, and for an agent who is already verified for this caller.
    break_glass: ctx.staff.role === 'compliance' || open ? grants : grants.map(({ reason: _reason, ...g }) => g),
    flags: holdFlags,
  }
}

/** One customer. Every read is on the record, unmasked ones with their basis; masked reads count against the lookup rate. */
export async function readCustomer(db: Kysely<Database>, ctx: StaffContext, id: number) {
  const { row, access } = await inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('Customer')
    const access = await customerAccess(trx, ctx.staff, id, ctx.now)
    if (!access.basis) {
      const refused = await countLookup(trx, ctx)
      if (refused) return refused
    }
    await audit(trx, ctx, {
      action: access.basis ? 'customer.read_unmasked' : 'customer.read',
      entityType: 'customer',
      entityId: id,
      customerId: id,
      details: { basis: access.basis ?? 'masked' },
    })
    return { row, access }
  })
  return customerRecord(db, ctx, row, access)
}

/** Compliance opens a record unmasked by giving a written reason ("break-glass"); audited and shown on the record, which is then read as usual. */
export async function breakGlass(db: Kysely<Database>, ctx: StaffContext, id: number, reason: string) {
  requireFreshProof(ctx)
  const minutes = await getSetting(db, 'unmask_window_minutes')
  const expiresAt = new Date(ctx.now.getTime() + minutes * 60_000).toISOString()
  return inTransaction(db, async (trx) => {
    const customer = await trx.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst()
    if (!customer) throw notFound('Customer')
    const grant = await trx
      .insertInto('unmask_grants')
      .values({ staff_id: ctx.staff.id, customer_id: id, reason, created_at: ctx.now.toISOString(), expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, ctx, {
      action: 'customer.break_glass',
      entityType: 'unmask_grant',
      entityId: grant.id,
      customerId: id,
      details: { minutes },
    })
    return { id: grant.id, customerId: id, expiresAt }
  })
}

const RESET_LINK_MINUTES = 60

/**
 * Sends the customer a password-reset link to the email on file: the only thing staff can do about a password.
 * Needs open access (a verified caller), checked in the transaction that queues the link; the token is stored hashed
 * and the link exists only in the message.
 */
export async function sendPasswordReset(db: Kysely<Database>, ctx: StaffContext, id: number) {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(ctx.now.getTime() + RESET_LINK_MINUTES * 60_000)
  const queued = await inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('customers').select(['id', 'email', 'status']).where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('Customer')
    const access = await customerAccess(trx, ctx.staff, id, ctx.now)
    // A written reason opens a record for reading; only a caller verified in this call may ask for a new password.
    if (access.basis !== 'verification') throw conflict('Verify the caller before sending a reset link.')
    if (row.status === 'erased') throw conflict('This customer was erased.')
    if (!row.email) throw unprocessable('There is no email on file to send a reset link to.')
    const sentToday = await countEvent(trx, `reset:customer:${id}`, 86_400_000, ctx.now)
    const limit = await getSetting(trx, 'reset_links_per_customer_per_day')
    if (sentToday.count > limit) {
      return refuseAfterCommit(
        because(
          'reset_links_per_day',
          tooManyAttempts(
            `This customer has been sent ${limit} reset links today, the most allowed. The last one still works.`,
            (sentToday.resetsAt.getTime() - ctx.now.getTime()) / 1000,
          ),
          { limit },
        ),
      )
    }
    // A new link ends the ones before it: only the latest works.
    await trx
      .updateTable('password_reset_tokens')
      .set({ expires_at: ENDED })
      .where('customer_id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', ctx.now.toISOString())
      .execute()
    const message = {
      channel: 'email' as const,
      recipient: row.email,
      subject: 'Reset your password',
      body: `Someone from our customer service sent you this link at your request. Set a new password here within ${RESET_LINK_MINUTES} minutes:\n\n${ctx.config.resetUrl}?token=${token}\n\nWe will never ask you for your password.`,
    }
    await trx
      .insertInto('password_reset_tokens')
      .values({
        customer_id: id,
        token_hash: createHash('sha256').update(token).digest('hex'),
        requested_by: ctx.staff.id,
        created_at: ctx.now.toISOString(),
        expires_at: expiresAt.toISOString(),
        used_at: null,
      })
      .execute()
    const outboxId = await queueMessage(
      trx,
      { ...message, customerId: id, template: 'password_reset', payload: { expires_minutes: RESET_LINK_MINUTES } },
      ctx.now,
    )
    await audit(trx, ctx, { action: 'customer.password_reset_sent', entityType: 'outbox', entityId: outboxId, customerId: id })
    return { outboxId, message }
  })
  const status = await deliverMessage(db, ctx.config.transport, queued.outboxId, queued.message, ctx.now)
  return { outboxId: queued.outboxId, status, recipient: maskEmail(queued.message.recipient), expiresAt: expiresAt.toISOString() }
}
