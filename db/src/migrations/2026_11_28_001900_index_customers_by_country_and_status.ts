import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// The customers list filtered by country and status at once counted its matches through the status index, reading every
// matching row for its country: 0.7 s at a million customers (600,000 active in China), with every other request on
// SQLite waiting. With both in one index, ending in the id, the count reads the index alone and a page is read off it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('customers_country_status_idx').on('customers').columns(['country', 'status', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('customers_country_status_idx').execute()
}
