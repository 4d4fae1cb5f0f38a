import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import type { AuditLogEntry, Database, StaffRole } from '@verity/db'
import { type Kysely, PostgresAdapter, sql } from 'kysely'

export type AuditValue = string | number | boolean | null | string[]

export interface AuditEvent {
  actor: { id: number; role: StaffRole } | null
  /** dotted verb, e.g. `auth.login`, `staff.create`, `customer.read` */
  action: string
  entityType?: string
  entityId?: string | number
  customerId?: number | null
  ip?: string | null
  /** names, ids and outcomes only: never a personal value, password, token or hash */
  details?: Record<string, AuditValue>
}

/** An entry as written: every column but the id the database gives it. */
export type AuditRow = Omit<AuditLogEntry, 'id'>

export const GENESIS_HASH = '0'.repeat(64)
const SECRET_KEY = /password|hash|token|secret|otp/i

/** The exact text an entry's hash covers: every column but the hash, in a fixed order. */
export function auditHashInput(row: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([
    row.prev_hash,
    row.at,
    row.actor_id,
    row.actor_role,
    row.action,
    row.entity_type,
    row.entity_id,
    row.customer_id,
    row.ip,
    row.details,
  ])
}

export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(auditHashInput(row))))
}

/** Builds the row for an event, chained to the previous entry's hash. Pure: no clock, no database. */
export function buildAuditEntry(event: AuditEvent, prevHash: string, at: Date): AuditRow {
  const details = event.details ?? {}
  for (const key of Object.keys(details)) {
    if (SECRET_KEY.test(key)) throw new Error(`audit details must not carry secrets (key "${key}")`)
  }
  const row = {
    at: at.toISOString(),
    actor_id: event.actor?.id ?? null,
    actor_role: event.actor?.role ?? null,
    action: event.action,
    entity_type: event.entityType ?? null,
    entity_id: event.entityId == null ? null : String(event.entityId),
    customer_id: event.customerId ?? null,
    ip: event.ip ?? null,
    details: JSON.stringify(details),
    prev_hash: prevHash,
  }
  return { ...row, hash: auditHash(row) }
}

/**
 * Appends an event to the chain. Call it inside the transaction that makes the change, so that both or neither land.
 * PostgreSQL serialises writers with an advisory lock; SQLite already has a single writer.
 */
export async function appendAudit(trx: Kysely<Database>, event: AuditEvent, at: Date = new Date()): Promise<AuditRow> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(hashtext('verity.audit_log'))`.execute(trx)
  }
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  const row = buildAuditEntry(event, last?.hash ?? GENESIS_HASH, at)
  await trx.insertInto('audit_log').values(row).execute()
  return row
}
