import { type Database, lockForUpdate, type StaffRole, type StaffStatus } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { conflict, notFound } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { invalidateStaffSessions } from '../../platform/session.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { cancelRoleGrants, requestGrant } from '../grants/grants.service.js'
import { deliverPasswordLink, queuePasswordLink } from './set-password.js'

/** What any staff listing shows: never a credential. */
const PUBLIC_COLUMNS = ['u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'u.created_at', 'u.updated_at', 'u.last_login_at'] as const

/** Staff rows with their second factor (its kind only) and any role grant waiting for approval. */
function staffQuery(db: Kysely<Database>) {
  return db
    .selectFrom('staff_users as u')
    .leftJoin('staff_factors as f', 'f.staff_id', 'u.id')
    .leftJoin('grants as g', (j) => j.onRef('g.staff_id', '=', 'u.id').on('g.kind', '=', 'role').on('g.status', '=', 'pending'))
}

async function presentStaff(query: ReturnType<typeof staffQuery>, requiredRoles: readonly StaffRole[]) {
  const rows = await query.select([...PUBLIC_COLUMNS, 'f.kind as factor', 'g.role as pending_role', 'g.id as pending_grant_id']).execute()
  // lacks_factor: the role must give a second factor at sign-in and the account has none yet
  return rows.map((r) => ({ ...r, factor: r.factor ?? null, lacks_factor: requiredRoles.includes(r.role) && !r.factor }))
}

export type StaffSort = 'id' | 'email' | 'name' | 'role' | 'status' | 'last_login_at'
export interface StaffFilter {
  q?: string
  role?: StaffRole
  status?: StaffStatus
  id?: number | number[]
}

export async function listStaff(db: Kysely<Database>, q: ListQuery<StaffSort, StaffFilter>, requiredRoles: readonly StaffRole[] = []) {
  let query = staffQuery(db)
  const { q: text, role, status, id } = q.filter
  if (text) {
    const like = `%${text.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['u.email']), 'like', like), eb(eb.fn('lower', ['u.name']), 'like', like)]))
  }
  if (role) query = query.where('u.role', '=', role)
  if (status) query = query.where('u.status', '=', status)
  if (id !== undefined) query = query.where('u.id', 'in', idList(id))
  const [rows, count] = await Promise.all([
    presentStaff(query.orderBy(`u.${q.sort.field}`, q.sort.order).orderBy('u.id').limit(q.limit).offset(q.offset), requiredRoles),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function getStaff(db: Kysely<Database>, id: number, requiredRoles: readonly StaffRole[] = []) {
  const [row] = await presentStaff(staffQuery(db).where('u.id', '=', id), requiredRoles)
  if (!row) throw notFound('Staff member')
  return row
}

/**
 * Creates an account with no password: the staff member is emailed a set-password link (set-password.ts) and cannot
 * sign in until they use it. Whether the email is taken is decided in the transaction that inserts it. A compliance
 * account is created 'pending' and cannot sign in until a compliance officer approves its grant (grants.service.ts).
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
      .values({
        email: input.email,
        name: input.name,
        role: input.role,
        status: input.role === 'compliance' ? 'pending' : 'active',
        created_at: at,
        updated_at: at,
        last_login_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (input.role === 'compliance') await requestGrant(trx, ctx, { kind: 'role', staffId: id, role: 'compliance' })
    const queued = await queuePasswordLink(trx, ctx, { id, ...input }, 'invite', consoleOrigin)
    await audit(trx, ctx, {
      action: 'staff.create',
      entityType: 'staff',
      entityId: id,
      details: { role: input.role, link_outbox_id: queued.outboxId },
    })
    return { staff: await getStaff(trx, id, ctx.config.mfa.requiredRoles), queued }
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
  asked: { name?: string; role?: StaffRole; status?: Exclude<StaffStatus, 'pending'> },
) {
  return inTransaction(db, async (trx) => {
    const before = await getStaff(trx, id)
    if (before.status === 'pending' && asked.status === 'active') {
      throw conflict('This account waits for a compliance officer to approve its role; it becomes active then.', {
        status: 'Waiting for approval',
      })
    }
    // The compliance role is granted by two people: asked for here, applied when another compliance officer approves.
    // Re-enabling a disabled compliance account grants it again, so it waits the same way.
    const grantsCompliance = asked.role === 'compliance' && before.role !== 'compliance'
    const reenablesCompliance =
      before.role === 'compliance' &&
      before.status === 'disabled' &&
      asked.status === 'active' &&
      (asked.role ?? 'compliance') === 'compliance'
    const changes = {
      ...asked,
      role: grantsCompliance ? undefined : asked.role,
      status: reenablesCompliance ? undefined : asked.status,
    }
    if (grantsCompliance || reenablesCompliance) await requestGrant(trx, ctx, { kind: 'role', staffId: id, role: 'compliance' })
    else if ((asked.role && asked.role !== before.role) || asked.status === 'disabled') await cancelRoleGrants(trx, ctx, id)
    await assertAdminRemains(trx, ctx, id, changes.role, changes.status)
    const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => changes[k] !== undefined && changes[k] !== before[k])
    if (!changed.length) return getStaff(trx, id, ctx.config.mfa.requiredRoles)
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
    return getStaff(trx, id, ctx.config.mfa.requiredRoles)
  })
}

/**
 * Removes the second factor of someone who lost it (and their recovery codes): every session of theirs ends, and where
 * their role needs one they enrol again at the next sign-in. One's own is replaced from one's profile instead.
 */
export async function removeStaffFactor(db: Kysely<Database>, ctx: StaffContext, id: number) {
  if (id === ctx.staff.id) throw conflict('Set up your own authenticator again from your profile instead.')
  return inTransaction(db, async (trx) => {
    await getStaff(trx, id)
    const { numDeletedRows } = await trx.deleteFrom('staff_factors').where('staff_id', '=', id).executeTakeFirst()
    if (numDeletedRows === 0n) throw conflict('This account has no second factor.')
    await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', id).execute()
    await invalidateStaffSessions(trx, id)
    await audit(trx, ctx, { action: 'staff.factor_removed', entityType: 'staff', entityId: id })
    return getStaff(trx, id, ctx.config.mfa.requiredRoles)
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
