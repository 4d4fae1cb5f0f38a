import type { Database, SessionStage, StaffRole } from '@verity/db'
import type { Kysely } from 'kysely'
import type { Transport } from '../modules/outbox/outbox.transport.js'

export interface AppConfig {
  /** origins besides the server's own allowed to make cookie-authenticated calls */
  allowedOrigins: string[]
  trustProxy: boolean
  session: { idleMs: number; absoluteMs: number }
  /** where the built console lives; omitted in API-only tests */
  uiDir?: string
  /** the clock, replaceable in tests */
  now: () => Date
  /** how messages reach customers */
  transport: Transport
  /** the store's page that redeems password-reset tokens */
  resetUrl: string
  /** the key of the audit chain's HMAC; it never lives in the database (docs/decisions/0003-audit-hash-chain.md) */
  auditKey: Uint8Array
  /** the file of the chain's checkpoints, compared by the audit desk's chain check; omitted, it checks the chain alone */
  auditCheckpointFile?: string
  /** second factor: the roles that must give one at sign-in, and how long one given stays fresh for dangerous acts */
  mfa: { requiredRoles: StaffRole[]; freshMs: number }
}

export interface SignedInStaff {
  id: number
  email: string
  name: string
  role: StaffRole
  sessionId: string
  /** the second factor the account has enrolled, if any */
  factor: 'totp' | null
  /** when this session's holder last gave it */
  factorAt: string | null
  /** when this session was opened (the password given) */
  signedInAt: string
}

/** A session a right password opened while the second factor is still owed: it signs no one in. */
export interface PartialSession extends SignedInStaff {
  stage: Exclude<SessionStage, 'signed_in'>
}

/**
 * What every service is given about the request it serves, built once per request by middleware:
 * who asks, from where, the one clock reading the whole request uses, and the app's configuration.
 */
export interface RequestContext {
  staff: SignedInStaff | null
  ip: string | null
  now: Date
  config: AppConfig
}

/** The context of a route that requires a signed-in staff member. */
export interface StaffContext extends RequestContext {
  staff: SignedInStaff
}

export type AppEnv = {
  Variables: {
    db: Kysely<Database>
    config: AppConfig
    staff: SignedInStaff | null
    partial: PartialSession | null
    ctx: RequestContext
  }
}
