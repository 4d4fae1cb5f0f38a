import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// The customers list sorts by date of signing up, country or status. At a million customers each of those read and
// sorted every customer (0.2 to 1.3 s a page), and on SQLite every other request waited for it. Each index ends in the
// id, so that a page in either order is read straight off it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('customers_created_at_idx').on('customers').columns(['created_at', 'id']).execute()
  await db.schema.createIndex('customers_country_idx').on('customers').columns(['country', 'id']).execute()
  await db.schema.createIndex('customers_status_idx').on('customers').columns(['status', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['customers_status_idx', 'customers_country_idx', 'customers_created_at_idx'])
    await db.schema.dropIndex(name).execute()
}
