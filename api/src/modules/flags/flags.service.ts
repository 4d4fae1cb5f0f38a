import type { Database, FlagKind } from '@verity/db'
import { type Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { RequestContext, SignedInStaff, StaffContext } from '../../platform/context.js'
import { conflict, forbidden, notFound, unprocessable } from '../../platform/errors.js'
import type { ListQuery } from '../../platform/list.js'
import { inTransaction } from '../../platform/transaction.js'
import { AGE_OF_MAJORITY, ageOn, MINIMUM_AGE } from '../../platform/age.js'
import { maskName } from '../../platform/masking.js'
import { AGE_FLAG_KINDS } from './age-compliance.js'

/** Flags that stop an agent from opening verifications until compliance resolves them. */
export const STOPPING_FLAGS: FlagKind[] = ['agent_probing', 'agent_failing']

/** Raises a signal for compliance, inside the transaction of what caused it; recorded as Verity's own act. */
export async function raiseFlag(
  trx: Kysely<Database>,
  ctx: RequestContext,
  flag: { kind: FlagKind; customerId?: number | null; staffId?: number | null; details: Record<string, string | number> },
) {
  const { id } = await trx
    .insertInto('flags')
    .values({
      kind: flag.kind,
      customer_id: flag.customerId ?? null,
      staff_id: flag.staffId ?? null,
      details: JSON.stringify(flag.details),
      created_at: ctx.now.toISOString(),
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await audit(trx, ctx, {
    action: `flag.${flag.kind}`,
    system: true,
    entityType: 'flag',
    entityId: id,
    customerId: flag.customerId ?? null,
    details: { staff_id: flag.staffId ?? null },
  })
  return id
}

/** An open flag of one of these kinds about this staff member or customer, if any. */
export async function openFlag(db: Kysely<Database>, kinds: FlagKind[], about: { staffId?: number; customerId?: number }) {
  let query = db.selectFrom('flags').select(['id', 'kind']).where('kind', 'in', kinds).where('resolved_at', 'is', null)
  if (about.staffId !== undefined) query = query.where('staff_id', '=', about.staffId)
  if (about.customerId !== undefined) query = query.where('customer_id', '=', about.customerId)
  return query.orderBy('id').executeTakeFirst()
}

/**
 * Where counting starts again for a signal: the window's start, or the last time compliance resolved a flag of this kind
 * about the same person, so that clearing a flag gives a fresh start instead of re-raising it on the next event.
 */
export async function countingSince(
  db: Kysely<Database>,
  kind: FlagKind,
  about: { staffId?: number; customerId?: number },
  windowStart: Date,
): Promise<string> {
  let query = db.selectFrom('flags').select('resolved_at').where('kind', '=', kind).where('resolved_at', 'is not', null)
  if (about.staffId !== undefined) query = query.where('staff_id', '=', about.staffId)
  if (about.customerId !== undefined) query = query.where('customer_id', '=', about.customerId)
  const last = await query.orderBy('resolved_at', 'desc').limit(1).executeTakeFirst()
  const start = windowStart.toISOString()
  return last?.resolved_at && last.resolved_at > start ? last.resolved_at : start
}

export type FlagSort = 'id' | 'created_at' | 'kind'
export interface FlagFilter {
  open?: boolean
  kind?: FlagKind
  customer_id?: number
}

export async function listFlags(db: Kysely<Database>, viewer: Pick<SignedInStaff, 'id'>, q: ListQuery<FlagSort, FlagFilter>) {
  let query = flagsWithNames(db)
  if (q.filter.open !== undefined) query = query.where('f.resolved_at', q.filter.open ? 'is' : 'is not', null)
  if (q.filter.kind) query = query.where('f.kind', '=', q.filter.kind)
  if (q.filter.customer_id !== undefined) query = query.where('f.customer_id', '=', q.filter.customer_id)
  const [rows, count] = await Promise.all([
    selectNames(query).orderBy(`f.${q.sort.field}`, q.sort.order).orderBy('f.id', 'desc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows: rows.map((r) => presentFlag(r, viewer)), total: Number(count.n) }
}

/** Flags with the names the desk says them in: the staff member's and the resolver's, the customer's (masked, docs/design.md promise 2). */
const flagsWithNames = (db: Kysely<Database>) =>
  db
    .selectFrom('flags as f')
    .leftJoin('staff_users as s', 's.id', 'f.staff_id')
    .leftJoin('staff_users as r', 'r.id', 'f.resolved_by')
    .leftJoin('customers as c', 'c.id', 'f.customer_id')
const selectNames = (query: ReturnType<typeof flagsWithNames>) =>
  query
    .selectAll('f')
    .select(['s.name as staff_name', 'r.name as resolved_by_name', 'c.first_name', 'c.last_name', 'c.status as customer_status'])

/** What resolving this flag does besides closing it, by the rules of `resolveFlag` and of the verification stop. */
export type ResolveEffect = 'unlock_customer' | 'resume_agent' | null
export type FlagAction = 'resolve' | 'lock_account' | 'record_consent' | 'file_erasure'

/** The actions the viewer may take on a flag, by the same rules the actions below enforce; none once it is resolved. */
export function flagActions(
  flag: { kind: FlagKind; customer_id: number | null; staff_id: number | null; resolved_at: string | null },
  viewer: Pick<SignedInStaff, 'id'>,
): FlagAction[] {
  if (flag.resolved_at !== null || flag.staff_id === viewer.id) return []
  const actions: FlagAction[] = ['resolve']
  if ((AGE_FLAG_KINDS as readonly FlagKind[]).includes(flag.kind) && flag.customer_id !== null) {
    actions.push('lock_account')
    if (flag.kind === 'minor_without_consent') actions.push('record_consent')
    actions.push('file_erasure')
  }
  return actions
}

function presentFlag<
  T extends {
    details: string
    kind: FlagKind
    customer_id: number | null
    staff_id: number | null
    resolved_at: string | null
    first_name: string | null
    last_name: string | null
    customer_status: string | null
  },
>({ first_name, last_name, customer_status, ...row }: T, viewer: Pick<SignedInStaff, 'id'>) {
  const effect: ResolveEffect =
    row.kind === 'verification_locked' && customer_status === 'locked'
      ? 'unlock_customer'
      : STOPPING_FLAGS.includes(row.kind)
        ? 'resume_agent'
        : null
  return {
    ...row,
    customer_name: first_name || last_name ? maskName(first_name, last_name) : null,
    details: JSON.parse(row.details) as Record<string, unknown>,
    resolve_effect: row.resolved_at === null ? effect : null,
    actions: flagActions(row, viewer),
  }
}

/** One flag as the desk shows it, with names and the viewer's actions. */
export async function showFlag(db: Kysely<Database>, viewer: Pick<SignedInStaff, 'id'>, id: number) {
  const row = await selectNames(flagsWithNames(db).where('f.id', '=', id)).executeTakeFirst()
  if (!row) throw notFound('Flag')
  return presentFlag(row, viewer)
}

/** A flag as stored, its details parsed: what the actions below read inside their transaction. */
export async function getFlag(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('flags').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Flag')
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> }
}

/**
 * Closes a flag with a note, once: the close is conditional on the flag being open, so parallel resolves give one.
 * Closing a verification lock lets the customer be verified again; closing an agent's flag lets the agent verify again.
 */
export async function resolveFlag(db: Kysely<Database>, ctx: StaffContext, id: number, resolution: string) {
  return inTransaction(db, async (trx) => {
    const flag = await getFlag(trx, id)
    if (flag.staff_id === ctx.staff.id) throw forbidden('A flag about you is resolved by another compliance officer.')
    const closed = await trx
      .updateTable('flags')
      .set({ resolved_at: ctx.now.toISOString(), resolved_by: ctx.staff.id, resolution })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst()
    if (closed.numUpdatedRows === 0n) throw conflict('This flag is already resolved.')
    if (flag.kind === 'verification_locked' && flag.customer_id !== null) {
      await trx
        .updateTable('customers')
        .set({ status: 'active' })
        .where('id', '=', flag.customer_id)
        .where('status', '=', 'locked')
        .execute()
    }
    await audit(trx, ctx, {
      action: 'flag.resolve',
      entityType: 'flag',
      entityId: id,
      customerId: flag.customer_id,
      details: { kind: flag.kind },
    })
    return getFlag(trx, id)
  })
}

/** The open age flag of a customer, read inside the transaction that acts on it; refused for other kinds or closed flags. */
async function openAgeFlag(trx: Kysely<Database>, id: number, kinds: FlagKind[]) {
  const flag = await getFlag(trx, id)
  if (!kinds.includes(flag.kind) || flag.customer_id === null) throw unprocessable('This action is not offered on this kind of flag.')
  if (flag.resolved_at !== null) throw conflict('This flag is already resolved.')
  return flag as typeof flag & { customer_id: number }
}

/**
 * Locks the account a child's or unconsented minor's flag is about and resolves the flag, once: both writes are conditional
 * (the flag still open, the account not erased) in one transaction, so parallel calls give one lock and one entry.
 */
export async function lockAccount(db: Kysely<Database>, ctx: StaffContext, id: number) {
  return inTransaction(db, async (trx) => {
    const flag = await openAgeFlag(trx, id, ['underage_account', 'minor_without_consent'])
    const closed = await trx
      .updateTable('flags')
      .set({ resolved_at: ctx.now.toISOString(), resolved_by: ctx.staff.id, resolution: 'Account locked.' })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst()
    if (closed.numUpdatedRows === 0n) throw conflict('This flag is already resolved.')
    const before = await trx.selectFrom('customers').select('status').where('id', '=', flag.customer_id).executeTakeFirst()
    const locked = await trx
      .updateTable('customers')
      .set({ status: 'locked' })
      .where('id', '=', flag.customer_id)
      .where('status', '!=', 'erased')
      .executeTakeFirst()
    if (locked.numUpdatedRows === 0n) throw conflict('This account has been erased; resolve the flag instead.')
    await audit(trx, ctx, {
      action: 'flag.lock_account',
      entityType: 'flag',
      entityId: id,
      customerId: flag.customer_id,
      details: { kind: flag.kind, previous_status: before?.status ?? null },
    })
    return getFlag(trx, id)
  })
}

/**
 * Records a guardian's consent for a minor's account and resolves the flag, once: the flag must be open and the customer
 * still without consent and not erased, all read and written in one transaction.
 */
export async function recordConsent(
  db: Kysely<Database>,
  ctx: StaffContext,
  id: number,
  input: { guardianName: string; consentedAt: string },
) {
  const consentedAt = new Date(input.consentedAt.length === 10 ? `${input.consentedAt}T00:00:00.000Z` : input.consentedAt)
  if (Number.isNaN(consentedAt.getTime())) throw unprocessable('Give the date of the consent.', { consentedAt: 'Give a valid date' })
  if (consentedAt > ctx.now) throw unprocessable('Consent cannot be dated in the future.', { consentedAt: 'Cannot be in the future' })
  return inTransaction(db, async (trx) => {
    const flag = await openAgeFlag(trx, id, ['minor_without_consent'])
    const customer = await trx.selectFrom('customers').select('birth_date').where('id', '=', flag.customer_id).executeTakeFirst()
    const age = customer?.birth_date ? ageOn(customer.birth_date, ctx.now) : null
    if (age === null || age < MINIMUM_AGE || age >= AGE_OF_MAJORITY) {
      throw conflict(`The customer is no longer ${MINIMUM_AGE} to ${AGE_OF_MAJORITY - 1}: resolve the flag instead.`)
    }
    const closed = await trx
      .updateTable('flags')
      .set({ resolved_at: ctx.now.toISOString(), resolved_by: ctx.staff.id, resolution: "Guardian's consent recorded." })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst()
    if (closed.numUpdatedRows === 0n) throw conflict('This flag is already resolved.')
    const recorded = await trx
      .updateTable('customers')
      .set({ guardian_name: input.guardianName, guardian_consent_at: consentedAt.toISOString() })
      .where('id', '=', flag.customer_id)
      .where('status', '!=', 'erased')
      .where('guardian_consent_at', 'is', null)
      .executeTakeFirst()
    if (recorded.numUpdatedRows === 0n) throw conflict('This account is erased or already has a guardian’s consent on file.')
    await audit(trx, ctx, {
      action: 'flag.record_consent',
      entityType: 'flag',
      entityId: id,
      customerId: flag.customer_id,
      details: { kind: flag.kind, fields: ['guardian_name', 'guardian_consent_at'] },
    })
    return getFlag(trx, id)
  })
}
