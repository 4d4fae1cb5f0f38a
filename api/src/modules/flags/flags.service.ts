import type { Database, FlagKind } from '@verity/db'
import { type Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { RequestContext, StaffContext } from '../../platform/context.js'
import { conflict, forbidden, notFound } from '../../platform/errors.js'
import type { ListQuery } from '../../platform/list.js'
import { inTransaction } from '../../platform/transaction.js'

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

export async function listFlags(db: Kysely<Database>, q: ListQuery<FlagSort, FlagFilter>) {
  let query = db.selectFrom('flags as f').leftJoin('staff_users as s', 's.id', 'f.staff_id')
  if (q.filter.open !== undefined) query = query.where('f.resolved_at', q.filter.open ? 'is' : 'is not', null)
  if (q.filter.kind) query = query.where('f.kind', '=', q.filter.kind)
  if (q.filter.customer_id !== undefined) query = query.where('f.customer_id', '=', q.filter.customer_id)
  const [rows, count] = await Promise.all([
    query
      .selectAll('f')
      .select('s.name as staff_name')
      .orderBy(`f.${q.sort.field}`, q.sort.order)
      .orderBy('f.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows: rows.map(presentFlag), total: Number(count.n) }
}

const presentFlag = <T extends { details: string }>(row: T) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> })

export async function getFlag(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('flags').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Flag')
  return presentFlag(row)
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
