import { type Database, lockForUpdate, type StaffRole, type StaffStatus } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { conflict, notFound } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { invalidateStaffSessions } from '../../platform/session.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { deliverPasswordLink, queuePasswordLink } from './set-password.js'

/** What any staff listing shows: never a credential. */
const PUBLIC_COLUMNS = ['id', 'email', 'name', 'role', 'status', 'created_at', 'updated_at', 'last_login_at'] as const

export type StaffSort = 'id' | 'email' | 'name' | 'role' | 'status' | 'last_login_at'
export interface StaffFilter {
  q?: string
  role?: StaffRole
  status?: StaffStatus
  id?: number | number[]
}

export async function listStaff(db: Kysely<Database>, q: ListQuery<StaffSort, StaffFilter>) {
  let query = db.selectFrom('staff_users')
  const { q: text, role, status, id } = q.filter
  if (text) {
    const like = `%${text.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['email']), 'like', like), eb(eb.fn('lower', ['name']), 'like', like)]))
  }
  if (role) query = query.where('role', '=', role)
  if (status) query = query.where('status', '=', status)
  if (id !== undefined) query = query.where('id', 'in', idList(id))
  const [rows, count] = await Promise.all([
    query.select(PUBLIC_COLUMNS).orderBy(q.sort.field, q.sort.order).orderBy('id').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function getStaff(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('staff_users').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Staff member')
  return row
}

/**
 * Creates an account with no password: the staff member is emailed a set-password link (set-password.ts) and cannot
 * sign in until they use it. Whether the email is taken is decided in the transaction that inserts it.
 */
export async function createStaff(
  db: Kysely<Database>,
  ctx: StaffContext,
  input: { email: string; name: string; role: StaffRole },
  consoleOrigin: string,
) {
  const at = ctx.now.toISOString()
  const { staff, queued } = await inTransaction(db, async (trx) => {
    const taken = await trx.selectFrom('staff_users').select('id').where('email', '=', input.email).executeTakeFirst()
    if (taken) throw conflict('A staff member with this email already exists.', { email: 'Already in use' })
    const { id } = await trx
      .insertInto('staff_users')
      .values({ email: input.email, name: input.name, role: input.role, created_at: at, updated_at: at, last_login_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
    const queued = await queuePasswordLink(trx, ctx, { id, ...input }, 'invite', consoleOrigin)
    await audit(trx, ctx, {
      action: 'staff.create',
      entityType: 'staff',
      entityId: id,
      details: { role: input.role, link_outbox_id: queued.outboxId },
    })
    return { staff: await getStaff(trx, id), queued }
  })
  await deliverPasswordLink(db, ctx, queued)
  return staff
}

/**
 * Admins cannot lock themselves out, and the last active admin cannot be removed. The active admins are read (and
 * locked on PostgreSQL) in the transaction that demotes or disables, so two admins removing each other leave one.
 */
async function assertAdminRemains(trx: Trx, ctx: StaffContext, id: number, role?: StaffRole, status?: StaffStatus) {
  const losesAdmin = (role && role !== 'admin') || status === 'disabled'
  if (!losesAdmin) return
  if (id === ctx.staff.id) throw conflict('You cannot demote or disable your own account.')
  const admins = await lockForUpdate(
    trx,
    trx.selectFrom('staff_users').select('id').where('role', '=', 'admin').where('status', '=', 'active'),
  ).execute()
  if (!admins.some((a) => a.id === id)) return
  if (admins.length <= 1) throw conflict('At least one active admin must remain.')
}

export async function updateStaff(
  db: Kysely<Database>,
  ctx: StaffContext,
  id: number,
  changes: { name?: string; role?: StaffRole; status?: StaffStatus },
) {
  return inTransaction(db, async (trx) => {
    const before = await getStaff(trx, id)
    await assertAdminRemains(trx, ctx, id, changes.role, changes.status)
    const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => changes[k] !== undefined && changes[k] !== before[k])
    if (!changed.length) return before
    await trx
      .updateTable('staff_users')
      .set({ ...changes, updated_at: ctx.now.toISOString() })
      .where('id', '=', id)
      .execute()
    // A role change or a disabled account takes effect at once, not at the next sign-in.
    if (changes.status === 'disabled' || (changes.role && changes.role !== before.role)) await invalidateStaffSessions(trx, id)
    await audit(trx, ctx, {
      action: 'staff.update',
      entityType: 'staff',
      entityId: id,
      details: {
        fields: changed,
        ...(changes.role && changes.role !== before.role ? { role_from: before.role, role_to: changes.role } : {}),
        ...(changes.status && changes.status !== before.status ? { status_to: changes.status } : {}),
      },
    })
    return getStaff(trx, id)
  })
}

/**
 * An admin's reset after a forgotten or compromised password: the old password stops working at once, every session of
 * the account ends, and a set-password link is emailed (ending any link sent before). The admin never learns or chooses
 * the new password. An admin does not reset their own: they change it from their profile.
 */
export async function resetStaffPassword(db: Kysely<Database>, ctx: StaffContext, id: number, consoleOrigin: string) {
  if (id === ctx.staff.id) throw conflict('Change your own password from your profile instead.')
  const queued = await inTransaction(db, async (trx) => {
    const staff = await getStaff(trx, id)
    await trx.deleteFrom('staff_credentials').where('staff_id', '=', id).execute()
    await invalidateStaffSessions(trx, id)
    const queued = await queuePasswordLink(trx, ctx, staff, 'reset', consoleOrigin)
    await audit(trx, ctx, {
      action: 'staff.password_reset',
      entityType: 'staff',
      entityId: id,
      details: { link_outbox_id: queued.outboxId },
    })
    return queued
  })
  return deliverPasswordLink(db, ctx, queued)
}
