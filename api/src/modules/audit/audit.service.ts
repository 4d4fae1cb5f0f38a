import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { auditHash, GENESIS_HASH } from '../../platform/audit.js'
import type { SignedInStaff } from '../../platform/context.js'
import { notFound } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'

export type AuditSort = 'id' | 'at' | 'action' | 'actor_id'
export interface AuditFilter {
  actor_id?: number
  customer_id?: number
  action?: string
  from?: string
  to?: string
  id?: number | number[]
}

/** Admins see what staff did to staff accounts and sign-ins, never entries about customers (DESIGN.md). */
const STAFF_ACTIONS = ['auth.%', 'staff.%', 'settings.%']

function visibleTo(viewer: SignedInStaff, db: Kysely<Database>) {
  const query = db.selectFrom('audit_log')
  if (viewer.role === 'compliance') return query
  return query.where((eb) => eb.and([eb('customer_id', 'is', null), eb.or(STAFF_ACTIONS.map((p) => eb('action', 'like', p)))]))
}

export async function listAudit(db: Kysely<Database>, viewer: SignedInStaff, q: ListQuery<AuditSort, AuditFilter>) {
  let query = visibleTo(viewer, db)
  const f = q.filter
  if (f.actor_id !== undefined) query = query.where('actor_id', '=', f.actor_id)
  if (f.customer_id !== undefined) query = query.where('customer_id', '=', f.customer_id)
  if (f.action) query = query.where('action', f.action.endsWith('.') ? 'like' : '=', f.action.endsWith('.') ? `${f.action}%` : f.action)
  if (f.from) query = query.where('at', '>=', f.from)
  if (f.to) query = query.where('at', '<', f.to)
  if (f.id !== undefined) query = query.where('id', 'in', idList(f.id))
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy(q.sort.field, q.sort.order).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const names = await actorNames(
    db,
    rows.map((r) => r.actor_id),
  )
  const reasons = viewer.role === 'compliance' ? await unmaskReasons(db, rows) : new Map<number, string>()
  return { rows: rows.map((r) => ({ ...present(r, names), reason: reasons.get(r.id) ?? null })), total: Number(count.n) }
}

/** For each unmasked read on a written reason, the reason in force when it happened (kept with the grant, not in the log). */
async function unmaskReasons(
  db: Kysely<Database>,
  rows: { id: number; action: string; actor_id: number | null; customer_id: number | null; at: string; details: string }[],
) {
  const reasons = new Map<number, string>()
  for (const r of rows) {
    if (r.action !== 'customer.read_unmasked' || r.actor_id === null || r.customer_id === null) continue
    if ((JSON.parse(r.details) as { basis?: string }).basis !== 'break_glass') continue
    const grant = await db
      .selectFrom('unmask_grants')
      .select('reason')
      .where('staff_id', '=', r.actor_id)
      .where('customer_id', '=', r.customer_id)
      .where('created_at', '<=', r.at)
      .where('expires_at', '>', r.at)
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    if (grant) reasons.set(r.id, grant.reason)
  }
  return reasons
}

async function actorNames(db: Kysely<Database>, ids: (number | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (!wanted.length) return new Map<number, string>()
  const rows = await db.selectFrom('staff_users').select(['id', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

export async function getAuditEntry(db: Kysely<Database>, viewer: SignedInStaff, id: number) {
  const row = await visibleTo(viewer, db).selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Audit entry')
  return present(row, await actorNames(db, [row.actor_id]))
}

function present<T extends { details: string; actor_id: number | null }>(row: T, names: Map<number, string>) {
  return {
    ...row,
    actor_name: row.actor_id === null ? null : (names.get(row.actor_id) ?? null),
    details: JSON.parse(row.details) as Record<string, unknown>,
  }
}

export interface ChainReport {
  ok: boolean
  checked: number
  /** the first entry whose hash or link does not hold */
  firstBroken?: { id: number; reason: 'hash_mismatch' | 'broken_link' }
}

/** Recomputes every entry's hash in order and checks that each links to the one before. */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 5_000): Promise<ChainReport> {
  let prev = GENESIS_HASH
  let afterId = 0
  let checked = 0
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(pageSize).execute()
    for (const row of page) {
      if (row.prev_hash !== prev) return { ok: false, checked, firstBroken: { id: row.id, reason: 'broken_link' } }
      const { id, hash, ...rest } = row
      if (auditHash(rest) !== hash) return { ok: false, checked, firstBroken: { id, reason: 'hash_mismatch' } }
      prev = hash
      checked++
    }
    if (page.length < pageSize) return { ok: true, checked }
    afterId = page[page.length - 1]!.id
  }
}
