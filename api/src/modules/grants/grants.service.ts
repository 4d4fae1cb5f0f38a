import type { Database, GrantStatus, StaffRole } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit, type AuditValue } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { conflict, forbidden, notFound } from '../../platform/errors.js'
import { requireFreshProof } from '../../platform/fresh-proof.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { invalidateStaffSessions } from '../../platform/session.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { SETTINGS, type SettingKey, writeSetting } from '../settings/settings.service.js'

/**
 * Two-person grants (docs/decisions/0015-second-factor-and-grants.md): the changes one admin must not be able to make
 * alone (the compliance role; lowering k or raising the export budget; verification limits) wait here until a compliance
 * officer other than the one who asked approves them. Approving applies the change in the same transaction.
 */
export type GrantSort = 'id' | 'requested_at'
export interface GrantFilter {
  status?: GrantStatus
  id?: number | number[]
}

function grantQuery(db: Kysely<Database>) {
  return db
    .selectFrom('grants as g')
    .leftJoin('staff_users as s', 's.id', 'g.staff_id')
    .innerJoin('staff_users as r', 'r.id', 'g.requested_by')
    .leftJoin('staff_users as d', 'd.id', 'g.decided_by')
}

async function presentGrants(query: ReturnType<typeof grantQuery>) {
  const rows = await query
    .select([
      'g.id',
      'g.kind',
      'g.status',
      'g.staff_id',
      's.name as staff_name',
      's.email as staff_email',
      'g.role',
      'g.setting',
      'g.value',
      'g.previous_value',
      'g.requested_by',
      'r.name as requested_by_name',
      'g.requested_at',
      'g.decided_by',
      'd.name as decided_by_name',
      'g.decided_at',
    ])
    .execute()
  return rows.map((r) => ({
    ...r,
    value: r.value === null ? null : (JSON.parse(r.value) as number),
    previous_value: r.previous_value === null ? null : (JSON.parse(r.previous_value) as number),
  }))
}

export type Grant = Awaited<ReturnType<typeof presentGrants>>[number]

export async function listGrants(db: Kysely<Database>, q: ListQuery<GrantSort, GrantFilter>) {
  let query = grantQuery(db)
  if (q.filter.status) query = query.where('g.status', '=', q.filter.status)
  if (q.filter.id !== undefined) query = query.where('g.id', 'in', idList(q.filter.id))
  const [rows, count] = await Promise.all([
    presentGrants(query.orderBy(`g.${q.sort.field}`, q.sort.order).orderBy('g.id', q.sort.order).limit(q.limit).offset(q.offset)),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function getGrant(db: Kysely<Database>, id: number): Promise<Grant> {
  const [row] = await presentGrants(grantQuery(db).where('g.id', '=', id))
  if (!row) throw notFound('Grant')
  return row
}

type GrantAsked =
  { kind: 'role'; staffId: number; role: StaffRole } | { kind: 'setting'; setting: SettingKey; value: number; previous: number }

/** Records a change that waits for a second person; an earlier request for the same account or setting is cancelled. */
export async function requestGrant(trx: Trx, ctx: StaffContext, asked: GrantAsked): Promise<number> {
  const at = ctx.now.toISOString()
  await withdrawPending(trx, ctx, asked.kind === 'role' ? { staffId: asked.staffId } : { setting: asked.setting })
  const { id } = await trx
    .insertInto('grants')
    .values({
      kind: asked.kind,
      staff_id: asked.kind === 'role' ? asked.staffId : null,
      role: asked.kind === 'role' ? asked.role : null,
      setting: asked.kind === 'setting' ? asked.setting : null,
      value: asked.kind === 'setting' ? JSON.stringify(asked.value) : null,
      previous_value: asked.kind === 'setting' ? JSON.stringify(asked.previous) : null,
      status: 'pending',
      requested_by: ctx.staff.id,
      requested_at: at,
      decided_by: null,
      decided_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await audit(trx, ctx, {
    action: 'grant.requested',
    entityType: 'grant',
    entityId: id,
    details:
      asked.kind === 'role'
        ? { kind: 'role', staff_id: asked.staffId, role: asked.role }
        : { kind: 'setting', setting: asked.setting, from: asked.previous, to: asked.value },
  })
  return id
}

/** What an audit entry says of a grant: what it changes, never a value of a person. */
const grantDetails = (g: {
  kind: string
  staff_id: number | null
  role: string | null
  setting: string | null
}): Record<string, AuditValue> =>
  g.kind === 'role' ? { kind: 'role', staff_id: g.staff_id, role: g.role } : { kind: 'setting', setting: g.setting }

/** Withdraws the pending grant of an account or a setting, if any, with its audit entry. */
async function withdrawPending(trx: Trx, ctx: StaffContext, of: { staffId: number } | { setting: SettingKey }) {
  let query = trx.selectFrom('grants').selectAll().where('status', '=', 'pending')
  query =
    'staffId' in of
      ? query.where('kind', '=', 'role').where('staff_id', '=', of.staffId)
      : query.where('kind', '=', 'setting').where('setting', '=', of.setting)
  for (const g of await query.execute()) {
    await trx
      .updateTable('grants')
      .set({ status: 'cancelled', decided_by: ctx.staff.id, decided_at: ctx.now.toISOString() })
      .where('id', '=', g.id)
      .execute()
    await audit(trx, ctx, { action: 'grant.cancelled', entityType: 'grant', entityId: g.id, details: grantDetails(g) })
  }
}

/** Ends an account's pending role grant, if any (its role changed another way, or it was disabled). */
export const cancelRoleGrants = (trx: Trx, ctx: StaffContext, staffId: number) => withdrawPending(trx, ctx, { staffId })

/** Moves a pending grant to its decision, conditionally: of two decisions racing, one wins and the other gets 409. */
async function decide(trx: Trx, ctx: StaffContext, id: number, status: Exclude<GrantStatus, 'pending'>) {
  const grant = await trx.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst()
  if (!grant) throw notFound('Grant')
  if (grant.status !== 'pending') throw conflict(`This grant was already ${grant.status}.`)
  if (status === 'cancelled') {
    if (grant.requested_by !== ctx.staff.id) throw forbidden('Only whoever asked for a grant can cancel it.')
  } else {
    if (ctx.staff.role !== 'compliance') throw forbidden('A compliance officer decides grants.')
    if (grant.requested_by === ctx.staff.id || grant.staff_id === ctx.staff.id) {
      throw forbidden('A grant is decided by a compliance officer other than whoever asked for it or receives it.')
    }
  }
  const { numUpdatedRows } = await trx
    .updateTable('grants')
    .set({ status, decided_by: ctx.staff.id, decided_at: ctx.now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  if (numUpdatedRows === 0n) throw conflict('This grant was decided meanwhile.')
  return grant
}

/** Approves a grant and applies it, in one transaction; a setting's value is checked against its bounds again. */
export async function approveGrant(db: Kysely<Database>, ctx: StaffContext, id: number) {
  requireFreshProof(ctx)
  await inTransaction(db, async (trx) => {
    const grant = await decide(trx, ctx, id, 'approved')
    if (grant.kind === 'role') {
      // the grant makes the account an active compliance officer: a new account, a promotion or a re-enabling alike
      // (disabling an account withdraws its pending grant, so none waits on an account an admin meant to keep disabled)
      await trx
        .updateTable('staff_users')
        .set({ role: grant.role!, status: 'active', updated_at: ctx.now.toISOString() })
        .where('id', '=', grant.staff_id!)
        .execute()
      // the new role takes effect at the next sign-in, as any role change does
      await invalidateStaffSessions(trx, grant.staff_id!)
    } else {
      const key = grant.setting as SettingKey
      const value = SETTINGS[key].schema.safeParse(JSON.parse(grant.value!))
      if (!value.success) throw conflict('The value asked for is no longer allowed for this setting; ask again.')
      await writeSetting(trx, ctx, key, value.data, { grant_id: id })
    }
    await audit(trx, ctx, {
      action: 'grant.approved',
      entityType: 'grant',
      entityId: id,
      details: grantDetails(grant),
    })
  })
  return getGrant(db, id)
}

/**
 * Rejects (a compliance officer, with fresh proof: deciding a grant is a dangerous act either way) or cancels (whoever
 * asked) a grant; an account created for it is disabled.
 */
export async function closeGrant(db: Kysely<Database>, ctx: StaffContext, id: number, status: 'rejected' | 'cancelled') {
  if (status === 'rejected') requireFreshProof(ctx)
  await inTransaction(db, async (trx) => {
    const grant = await decide(trx, ctx, id, status)
    if (grant.kind === 'role') {
      await trx
        .updateTable('staff_users')
        .set({ status: 'disabled', updated_at: ctx.now.toISOString() })
        .where('id', '=', grant.staff_id!)
        .where('status', '=', 'pending')
        .execute()
    }
    await audit(trx, ctx, {
      action: status === 'rejected' ? 'grant.rejected' : 'grant.cancelled',
      entityType: 'grant',
      entityId: id,
      details: grantDetails(grant),
    })
  })
  return getGrant(db, id)
}
