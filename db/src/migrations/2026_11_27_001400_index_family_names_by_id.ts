import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// A search by one name reads the family names that match it in id order, a page at a time, from this index; the one on
// (family name, given name) keeps them in given-name order, so every match had to be read and sorted for a page.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('customers_last_name_folded_id_idx').on('customers').columns(['last_name_folded', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('customers_last_name_folded_id_idx').execute()
}
