import type { Database, StaffRole } from '@verity/db'
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
}

export interface SignedInStaff {
  id: number
  email: string
  name: string
  role: StaffRole
  sessionId: string
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
    ctx: RequestContext
  }
}
