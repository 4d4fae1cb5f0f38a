import type { Database, FlagKind } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { SignedInStaff } from '../../platform/context.js'
import { conflict, notFound } from '../../platform/errors.js'
import type { ListQuery } from '../../platform/list.js'

/** Raises a signal for compliance, inside the transaction of what caused it. */
export async function raiseFlag(
  trx: Kysely<Database>,
  flag: { kind: FlagKind; customerId?: number | null; staffId?: number | null; details: Record<string, string | number> },
  now: Date,
) {
  const { id } = await trx
    .insertInto('flags')
    .values({
      kind: flag.kind,
      customer_id: flag.customerId ?? null,
      staff_id: flag.staffId ?? null,
      details: JSON.stringify(flag.details),
      created_at: now.toISOString(),
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await appendAudit(
    trx,
    {
      actor: null,
      action: `flag.${flag.kind}`,
      entityType: 'flag',
      entityId: id,
      customerId: flag.customerId ?? null,
      details: { staff_id: flag.staffId ?? null },
    },
    now,
  )
  return id
}

export type FlagSort = 'id' | 'created_at' | 'kind'
export interface FlagFilter {
  open?: boolean
  kind?: FlagKind
  customer_id?: number
}

export async function listFlags(db: Kysely<Database>, q: ListQuery<FlagSort, FlagFilter>) {
  let query = db.selectFrom('flags')
  if (q.filter.open !== undefined) query = query.where('resolved_at', q.filter.open ? 'is' : 'is not', null)
  if (q.filter.kind) query = query.where('kind', '=', q.filter.kind)
  if (q.filter.customer_id !== undefined) query = query.where('customer_id', '=', q.filter.customer_id)
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy(q.sort.field, q.sort.order).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
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

/** Closes a flag with a note; closing a verification lock lets the customer be verified again. */
export async function resolveFlag(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  resolution: string,
  ip: string | null,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const flag = await getFlag(trx, id)
    if (flag.resolved_at) throw conflict('This flag is already resolved.')
    await trx.updateTable('flags').set({ resolved_at: now.toISOString(), resolved_by: staff.id, resolution }).where('id', '=', id).execute()
    if (flag.kind === 'verification_locked' && flag.customer_id !== null) {
      await trx
        .updateTable('customers')
        .set({ status: 'active' })
        .where('id', '=', flag.customer_id)
        .where('status', '=', 'locked')
        .execute()
    }
    await appendAudit(
      trx,
      {
        actor: { id: staff.id, role: staff.role },
        action: 'flag.resolve',
        entityType: 'flag',
        entityId: id,
        customerId: flag.customer_id,
        ip,
      },
      now,
    )
    return getFlag(trx, id)
  })
}
