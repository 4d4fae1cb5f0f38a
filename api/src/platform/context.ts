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
}

export interface SignedInStaff {
  id: number
  email: string
  name: string
  role: StaffRole
  sessionId: string
}

export type AppEnv = {
  Variables: {
    db: Kysely<Database>
    config: AppConfig
    staff: SignedInStaff | null
  }
}
