import type { Generated, Selectable } from 'kysely'

/** Append-only and hash-chained; the database refuses UPDATE and DELETE on it. */
export interface AuditLogTable {
  id: Generated<number>
  at: string
  actor_id: number | null
  actor_role: string | null
  action: string
  entity_type: string | null
  entity_id: string | null
  customer_id: number | null
  ip: string | null
  /** JSON with names and identifiers only, never personal values, passwords or hashes */
  details: string
  prev_hash: string
  hash: string
}

export type AuditLogEntry = Selectable<AuditLogTable>
