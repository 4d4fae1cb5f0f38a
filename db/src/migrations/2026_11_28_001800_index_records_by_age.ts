import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// The retention run deletes search hits and verification failures older than their rule, by date. Neither table was
// indexed by date, so every run read each row of both, holding every writer back meanwhile: 0.2 s at five million
// search hits, and a busy desk writes a hundred hits a name search.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('search_hits_at_idx').on('search_hits').column('at').execute()
  await db.schema.createIndex('verification_failures_at_idx').on('verification_failures').column('at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['verification_failures_at_idx', 'search_hits_at_idx']) await db.schema.dropIndex(name).execute()
}
