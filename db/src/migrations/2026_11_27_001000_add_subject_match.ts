import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// How each subject of a disclosure was named by the legal process and matched (docs/design.md, Disclosures): the kind of
// identifier (email, phone, id, order_number) and a masked form of it fit for the compliance record (`w***@163.com`).
// Subjects logged before this have neither. `match_ref` names the lookup a match came from, so that one lookup names a
// subject on one record only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('disclosure_subjects').addColumn('match_kind', 'text').execute()
  await db.schema.alterTable('disclosure_subjects').addColumn('match_masked', 'text').execute()
  await db.schema.alterTable('disclosure_subjects').addColumn('match_ref', 'text').execute()
  await db.schema.createIndex('disclosure_subjects_match_ref_idx').on('disclosure_subjects').column('match_ref').unique().execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('disclosure_subjects_match_ref_idx').execute()
  await db.schema.alterTable('disclosure_subjects').dropColumn('match_ref').execute()
  await db.schema.alterTable('disclosure_subjects').dropColumn('match_masked').execute()
  await db.schema.alterTable('disclosure_subjects').dropColumn('match_kind').execute()
}
