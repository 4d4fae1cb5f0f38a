import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { Database } from '@verity/db'
import { type Kysely, sql } from 'kysely'
import { AUDIT_ACTIONS, auditHash, GENESIS_HASH } from '../../platform/audit.js'
import type { AuditCheckpoint } from '../../platform/audit-checkpoint.js'
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

/**
 * The actions of a family ('auth.'), from the one list of every action the log is written with: matched by name, the
 * action index finds their entries, where a LIKE on a prefix read every entry in the log.
 */
const actionsOf = (family: string): string[] => AUDIT_ACTIONS.filter((a) => a.startsWith(family))

/** Admins see what staff did to staff accounts and sign-ins, never entries about customers (docs/design.md). */
const STAFF_ACTIONS = ['auth.', 'staff.', 'settings.'].flatMap(actionsOf)

function visibleTo(viewer: SignedInStaff, db: Kysely<Database>) {
  const query = db.selectFrom('audit_log')
  if (viewer.role === 'compliance') return query
  // `+customer_id`, the same value, keeps the index by customer out of it: there every search sits under "none", so
  // SQLite went through each one; the staff actions by name are few.
  return query.where(sql<number | null>`+${sql.ref('customer_id')}`, 'is', null).where('action', 'in', STAFF_ACTIONS)
}

export async function listAudit(db: Kysely<Database>, viewer: SignedInStaff, q: ListQuery<AuditSort, AuditFilter>) {
  let query = visibleTo(viewer, db)
  const f = q.filter
  if (f.actor_id !== undefined) query = query.where('actor_id', '=', f.actor_id)
  if (f.customer_id !== undefined) query = query.where('customer_id', '=', f.customer_id)
  if (f.action) {
    // a family no action belongs to matches nothing, as its name alone would not
    const family = f.action.endsWith('.') ? actionsOf(f.action) : []
    query = family.length ? query.where('action', 'in', family) : query.where('action', '=', f.action)
  }
  if (f.from) query = query.where('at', '>=', f.from)
  if (f.to) query = query.where('at', '<', f.to)
  if (f.id !== undefined) query = query.where('id', 'in', idList(f.id))
  const [rows, count] = await Promise.all([
    // ties in the sort's own direction, so that a page is read straight off an index (audit_log_action_idx, _at_idx)
    query.selectAll().orderBy(q.sort.field, q.sort.order).orderBy('id', q.sort.order).limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const names = await staffNames(db, rows.flatMap(namedStaff))
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

type AuditRowIn = { details: string; actor_id: number | null; entity_type: string | null; entity_id: string | null }

/** The staff member an entry is about, besides its actor: a staff account acted on, or the agent a flag names. */
function subjectStaffId(row: AuditRowIn): number | null {
  if (row.entity_type === 'staff' && row.entity_id !== null && /^\d+$/.test(row.entity_id)) return Number(row.entity_id)
  const about = (JSON.parse(row.details) as { staff_id?: unknown }).staff_id
  return typeof about === 'number' ? about : null
}
const namedStaff = (row: AuditRowIn) => [row.actor_id, subjectStaffId(row)]

/** Names only (never an email or a credential), so that the desk can say who did what to whom. */
async function staffNames(db: Kysely<Database>, ids: (number | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (!wanted.length) return new Map<number, string>()
  const rows = await db.selectFrom('staff_users').select(['id', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

export async function getAuditEntry(db: Kysely<Database>, viewer: SignedInStaff, id: number) {
  const row = await visibleTo(viewer, db).selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Audit entry')
  return present(row, await staffNames(db, namedStaff(row)))
}

function present<T extends AuditRowIn>(row: T, names: Map<number, string>) {
  const subject = subjectStaffId(row)
  return {
    ...row,
    actor_name: row.actor_id === null ? null : (names.get(row.actor_id) ?? null),
    /** the staff member the entry is about (an account changed, an agent flagged), when there is one */
    staff_id: subject,
    staff_name: subject === null ? null : (names.get(subject) ?? null),
    details: JSON.parse(row.details) as Record<string, unknown>,
  }
}

/** Everyone who can appear in the log, by name, for the desk's "staff member" filter: id, name and role only. */
export async function listAuditStaff(db: Kysely<Database>) {
  return db.selectFrom('staff_users').select(['id', 'name', 'role']).orderBy('name').orderBy('id').execute()
}

/** A chain check as the desk shows it: when it ran, who ran it, how many entries held, and where it broke if it did. */
export interface ChainCheckRun {
  at: string
  by: string | null
  ok: boolean
  checked: number
  firstBroken: { id: number; reason: ChainBreak } | null
  /** the entry of the newest checkpoint compared with, if any */
  checkpoint: number | null
}

/**
 * The last chain check, read back from its own `audit.verify` entry: the log already keeps every run, chained like any
 * other entry, so a reload or another officer (or a restarted server) sees the same result without a second store.
 */
export async function lastChainCheck(db: Kysely<Database>): Promise<ChainCheckRun | null> {
  const row = await db
    .selectFrom('audit_log as a')
    .leftJoin('staff_users as s', 's.id', 'a.actor_id')
    .select(['a.at', 'a.details', 's.name'])
    .where('a.action', '=', 'audit.verify')
    .orderBy('a.id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row) return null
  const d = JSON.parse(row.details) as {
    ok: boolean
    checked: number
    first_broken: number | null
    reason: ChainBreak | null
    checkpoint: number | null
  }
  return {
    at: row.at,
    by: row.name,
    ok: d.ok,
    checked: d.checked,
    firstBroken: d.first_broken !== null && d.reason ? { id: d.first_broken, reason: d.reason } : null,
    checkpoint: d.checkpoint ?? null,
  }
}

export type ChainBreak =
  /** the entry's HMAC does not hold under the key: forged, re-hashed without the key, or checked with another key */
  | 'hash_mismatch'
  /** the entry does not name the hash of the one before it: an entry was removed or slipped in there */
  | 'broken_link'
  /** a checkpoint names an entry past the log's end: the tail was cut off */
  | 'tail_missing'
  /** a checkpoint names an entry the log no longer holds, before its end */
  | 'entry_missing'
  /** the entry a checkpoint names carries another hash: the chain was re-hashed (with the key) after the checkpoint */
  | 'checkpoint_hash'
  /** fewer or more entries up to a checkpoint's entry than it counted */
  | 'checkpoint_count'

export interface ChainReport {
  ok: boolean
  /** entries whose hash and link hold, in order, before the first break */
  checked: number
  /** the newest checkpoint the log was compared with; null when there was none */
  checkpoint: AuditCheckpoint | null
  /** the first entry where the chain or a checkpoint does not hold */
  firstBroken?: { id: number; reason: ChainBreak }
  /** for people: what holds, or what is wrong and where */
  message: string
}

/**
 * Recomputes every entry's HMAC in order, checks that each links to the one before, and compares the log with the
 * checkpoints written outside the database: each named entry must exist, carry the named hash and have as many entries up
 * to it as counted. The chain alone proves no entry was changed; only a checkpoint shows that none was cut off the end.
 *
 * It reads the log a page at a time and lets the event loop run between pages: on SQLite a query does not wait for
 * anything, and a check of a million entries (some ten seconds) held up every other request in the server until it was
 * done, an agent's call included.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  key: Uint8Array,
  { checkpoints = [], pageSize = 1_000 }: { checkpoints?: AuditCheckpoint[]; pageSize?: number } = {},
): Promise<ChainReport> {
  const latest = checkpoints.at(-1) ?? null
  const named = new Map<number, AuditCheckpoint[]>()
  for (const cp of checkpoints) {
    const same = named.get(cp.id)
    if (same) same.push(cp)
    else named.set(cp.id, [cp])
  }
  const namedIds = [...named.keys()].sort((a, b) => a - b)
  let next = 0 // the first of namedIds not yet met in the walk

  let prev = GENESIS_HASH
  let lastId: number | null = null
  let checked = 0
  const broken = (id: number, reason: ChainBreak, what: string): ChainReport => ({
    ok: false,
    checked,
    checkpoint: latest,
    firstBroken: { id, reason },
    message: `Audit chain BROKEN: ${what}. The ${checked} entries before that hold.`,
  })

  for (let afterId = 0; ;) {
    const page = await db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(pageSize).execute()
    for (const row of page) {
      const { id, hash, ...rest } = row
      if (row.prev_hash !== prev) return broken(id, 'broken_link', `broken link at #${id} (an entry before it was removed or replaced)`)
      if (auditHash(key, rest) !== hash)
        return broken(id, 'hash_mismatch', `re-hashed or forged at entry #${id} (its HMAC does not hold under this key)`)
      if (next < namedIds.length && namedIds[next]! < id) {
        const cp = named.get(namedIds[next]!)![0]!
        return broken(cp.id, 'entry_missing', `entries missing: the checkpoint of ${cp.at} names #${cp.id}, which the log no longer holds`)
      }
      for (const cp of namedIds[next] === id ? named.get(id)! : []) {
        if (cp.hash !== hash) {
          return broken(
            id,
            'checkpoint_hash',
            `checkpoint hash differs at #${id}: the chain was re-hashed after the checkpoint of ${cp.at}`,
          )
        }
        if (cp.count !== checked + 1) {
          const what = `entries missing up to #${id}: the checkpoint of ${cp.at} counted ${cp.count} entries, the log holds ${checked + 1}`
          return broken(id, 'checkpoint_count', what)
        }
      }
      if (namedIds[next] === id) next++
      prev = hash
      lastId = id
      checked++
    }
    if (page.length < pageSize) break
    afterId = page[page.length - 1]!.id
    await yieldToEventLoop()
  }

  if (next < namedIds.length) {
    const beyond = named.get(namedIds[namedIds.length - 1]!)!.at(-1)!
    const end = lastId === null ? 'the log is empty' : `the log ends at #${lastId}`
    return broken(beyond.id, 'tail_missing', `entries missing: the checkpoint of ${beyond.at} names #${beyond.id} but ${end}`)
  }
  const against = latest
    ? `the latest checkpoint (${latest.at}, #${latest.id}, ${latest.count} entries) matches`
    : 'there is no checkpoint to compare with, so a cut-off tail would go unnoticed'
  return { ok: true, checked, checkpoint: latest, message: `Audit chain intact: ${checked} entries checked; ${against}.` }
}

/** The chain check under way on each database: a request that comes while one runs shares its report. */
const checksUnderWay = new WeakMap<Kysely<Database>, Promise<ChainReport>>()

/**
 * The server's chain check (POST /api/audit-log/verify): one walk of the log at a time. Thirty officers' clicks, or one
 * officer's thirty requests, cost one walk, not thirty side by side.
 */
export function checkAuditChain(db: Kysely<Database>, key: Uint8Array, options: { checkpoints?: AuditCheckpoint[] } = {}) {
  const underWay = checksUnderWay.get(db)
  if (underWay) return underWay
  const check = verifyAuditChain(db, key, options).finally(() => checksUnderWay.delete(db))
  checksUnderWay.set(db, check)
  return check
}
