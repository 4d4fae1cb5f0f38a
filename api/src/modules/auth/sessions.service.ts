import type { Database, SessionStage } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { notFound } from '../../platform/errors.js'
import { isSessionLive, sessionHandle } from '../../platform/session.js'
import { inTransaction } from '../../platform/transaction.js'
import { deviceOf } from './user-agent.js'

/**
 * One signed-in browser as its owner and admins see it. `id` is the session's handle (platform/session.ts), never the
 * token or its hash. Last seen moves at most once a minute, when the idle clock is refreshed (docs/decisions/0001).
 */
export interface SessionView {
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  ip: string | null
  browser: string | null
  os: string | null
  current: boolean
  /** 'signed_in', or a right password still waiting for its second factor ('factor') or an enrolment ('enrol') */
  stage: SessionStage
}

/** 404 unless the staff account exists, so that an admin's look at a mistyped account is not an empty list. */
export async function requireStaffAccount(db: Kysely<Database>, staffId: number): Promise<void> {
  const found = await db.selectFrom('staff_users').select('id').where('id', '=', staffId).executeTakeFirst()
  if (!found) throw notFound('Staff member')
}

/** A staff member's sessions that still sign in, the most recently seen first. */
export async function listSessions(db: Kysely<Database>, ctx: StaffContext, staffId: number): Promise<SessionView[]> {
  const rows = await db
    .selectFrom('staff_sessions')
    .select(['id', 'created_at', 'last_used_at', 'expires_at', 'ip', 'user_agent', 'stage'])
    .where('staff_id', '=', staffId)
    .execute()
  return rows
    .filter((r) => isSessionLive(r, ctx.config, ctx.now))
    .sort((a, b) => b.last_used_at.localeCompare(a.last_used_at))
    .map((r) => ({
      id: sessionHandle(r.id),
      createdAt: r.created_at,
      lastSeenAt: r.last_used_at,
      expiresAt: r.expires_at,
      ip: r.ip,
      ...deviceOf(r.user_agent),
      current: r.id === ctx.staff.sessionId,
      stage: r.stage,
    }))
}

/**
 * Ends one session of a staff member, named by its handle; answers whether it was the caller's own current one (whose
 * cookie the route then clears). The delete decides: of two ends racing for one session, one ends it and the other
 * finds nothing (404), so it is audited once.
 */
export async function endSession(db: Kysely<Database>, ctx: StaffContext, staffId: number, handle: string): Promise<{ current: boolean }> {
  return inTransaction(db, async (trx) => {
    const ids = await trx.selectFrom('staff_sessions').select('id').where('staff_id', '=', staffId).execute()
    const id = ids.find((r) => sessionHandle(r.id) === handle)?.id
    if (!id) throw notFound('Session')
    const { numDeletedRows } = await trx.deleteFrom('staff_sessions').where('id', '=', id).executeTakeFirstOrThrow()
    if (numDeletedRows === 0n) throw notFound('Session')
    const current = id === ctx.staff.sessionId
    const own = staffId === ctx.staff.id
    await audit(trx, ctx, {
      action: own ? 'auth.session_ended' : 'staff.session_ended',
      entityType: 'staff',
      entityId: staffId,
      details: { current },
    })
    return { current }
  })
}
