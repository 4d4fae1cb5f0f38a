import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'
import type { Database, SessionStage } from '@verity/db'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Kysely } from 'kysely'
import { clientIp } from './client-ip.js'
import type { AppConfig, AppEnv, RequestContext, SignedInStaff } from './context.js'

// Sessions as in Lucia's documented design: the browser holds a random token, the database only its SHA-256.
export const SESSION_COOKIE = 'verity_session'
/** how stale last_used_at may get before a request refreshes it (saves a write per request) */
const TOUCH_AFTER_MS = 60_000

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20)
  crypto.getRandomValues(bytes)
  return encodeBase32LowerCaseNoPadding(bytes)
}

export function sessionIdFor(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)))
}

/** How long a partial session (a right password, the second factor still owed) may take to give or enrol it. */
export const PARTIAL_SESSION_MS = 10 * 60_000

/**
 * Opens a session for a staff member at the request's time and address; answers the token for the cookie. A partial
 * stage ('factor', 'enrol') lasts PARTIAL_SESSION_MS and signs no one in (sessionMiddleware); `factorAt` records a
 * second factor given as the session opens.
 */
export async function createSession(
  db: Kysely<Database>,
  ctx: Pick<RequestContext, 'config' | 'now' | 'ip'>,
  staffId: number,
  userAgent: string | null,
  { stage = 'signed_in', factorAt = null }: { stage?: SessionStage; factorAt?: string | null } = {},
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = generateSessionToken()
  const sessionId = sessionIdFor(token)
  const expiresAt = new Date(ctx.now.getTime() + (stage === 'signed_in' ? ctx.config.session.absoluteMs : PARTIAL_SESSION_MS))
  await db
    .insertInto('staff_sessions')
    .values({
      id: sessionId,
      staff_id: staffId,
      created_at: ctx.now.toISOString(),
      expires_at: expiresAt.toISOString(),
      last_used_at: ctx.now.toISOString(),
      ip: ctx.ip,
      user_agent: userAgent?.slice(0, 300) ?? null,
      stage,
      factor_at: factorAt,
    })
    .execute()
  return { token, sessionId, expiresAt }
}

/**
 * The staff member behind a token and the session's stage, or null when it is unknown, expired, idle too long, or its
 * account no longer active.
 */
export async function validateSessionToken(
  db: Kysely<Database>,
  config: AppConfig,
  token: string,
): Promise<{ staff: SignedInStaff; stage: SessionStage } | null> {
  const id = sessionIdFor(token)
  const row = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.staff_id')
    .leftJoin('staff_factors as f', 'f.staff_id', 's.staff_id')
    .select([
      's.id',
      's.expires_at',
      's.last_used_at',
      's.stage',
      's.factor_at',
      's.created_at',
      'u.id as staff_id',
      'u.email',
      'u.name',
      'u.role',
      'u.status',
    ])
    .select('f.kind as factor')
    .where('s.id', '=', id)
    .executeTakeFirst()
  if (!row) return null
  const now = config.now().getTime()
  const idleSince = Date.parse(row.last_used_at)
  if (row.status !== 'active' || !isSessionLive(row, config, new Date(now))) {
    await db.deleteFrom('staff_sessions').where('id', '=', id).execute()
    return null
  }
  if (now - idleSince > TOUCH_AFTER_MS) {
    await db
      .updateTable('staff_sessions')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', id)
      .execute()
  }
  return {
    staff: {
      id: row.staff_id,
      email: row.email,
      name: row.name,
      role: row.role,
      sessionId: row.id,
      factor: row.factor ?? null,
      factorAt: row.factor_at === null ? null : new Date(row.factor_at).toISOString(),
      signedInAt: new Date(row.created_at).toISOString(),
    },
    stage: row.stage,
  }
}

/**
 * The handle a session is named by in the API and the console: a hash of the session id, so that neither the token nor
 * the id (the token's hash) ever leaves the server, and a handle cannot be turned back into either.
 */
export function sessionHandle(sessionId: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(`verity-session-handle:${sessionId}`))).slice(0, 32)
}

/** Whether a session row still signs its holder in at this moment: neither past its end nor idle too long. */
export function isSessionLive(row: { expires_at: string; last_used_at: string }, config: AppConfig, now: Date): boolean {
  const at = now.getTime()
  return at < Date.parse(row.expires_at) && at - Date.parse(row.last_used_at) < config.session.idleMs
}

export async function invalidateSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('id', '=', sessionId).execute()
}

export async function invalidateStaffSessions(db: Kysely<Database>, staffId: number): Promise<void> {
  await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).execute()
}

/** The real scheme; a proxy's X-Forwarded-Proto counts only when TRUST_PROXY says that proxy is ours. */
function isHttps(c: Context<AppEnv>): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  return c.var.config.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    expires: expiresAt,
  })
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) })
}

/**
 * Resolves the session cookie, if any, into c.var.staff. Roles are checked later, per route. A partial session (the
 * second factor still owed) signs no one in: it is c.var.partial, which only the second factor's routes read.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE)
  const found = token ? await validateSessionToken(c.var.db, c.var.config, token) : null
  if (token && !found) clearSessionCookie(c)
  c.set('staff', found?.stage === 'signed_in' ? found.staff : null)
  c.set('partial', found && found.stage !== 'signed_in' ? { ...found.staff, stage: found.stage } : null)
  await next()
})

/** Builds the one request context services are given: who asks, from where, and the one clock reading of this request. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  c.set('ctx', { staff: c.var.staff, ip: clientIp(c), now: c.var.config.now(), config: c.var.config })
  await next()
})
