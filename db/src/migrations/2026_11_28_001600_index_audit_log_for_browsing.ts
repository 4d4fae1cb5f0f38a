import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// Compliance browses the audit log by action and by date, and sorts it by either. At a million entries each of those
// read and sorted the whole log (0.3 to 2 s), and on SQLite every other request waited for it, an agent's call included.
// Both indexes end in the id, so that a page in either order is read straight off the index.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'id']).execute()
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_at_idx').execute()
  await db.schema.dropIndex('audit_log_action_idx').execute()
}
