import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`

  // Which customers an agent's searches found, and by what kind of identifier: that identifier is never then asked.
  await db.schema
    .createTable('search_hits')
    .addColumn('id', 'integer', id)
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('search_hits_lookup_idx').on('search_hits').columns(['staff_id', 'customer_id', 'at']).execute()

  // Every failed verification and every wrong one-time code: what locks a customer and stops an agent.
  await db.schema
    .createTable('verification_failures')
    .addColumn('id', 'integer', id)
    .addColumn('verification_id', 'integer', (c) => c.notNull().references('verifications.id').onDelete('cascade'))
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('verification_failures_customer_idx').on('verification_failures').columns(['customer_id', 'at']).execute()
  await db.schema.createIndex('verification_failures_staff_idx').on('verification_failures').columns(['staff_id', 'at']).execute()

  // Fixed-window counters (searches per agent per minute, codes per customer per day), incremented in SQL.
  await db.schema
    .createTable('rate_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_started_at', time, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute()

  // One open verification per customer: the database refuses a second, whatever races the application loses.
  await sql`create unique index verifications_one_open_idx on verifications (customer_id) where status = 'pending'`.execute(db)
  await db.schema.createIndex('flags_staff_idx').on('flags').columns(['staff_id', 'kind']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('flags_staff_idx').execute()
  await db.schema.dropIndex('verifications_one_open_idx').execute()
  for (const table of ['rate_counters', 'verification_failures', 'search_hits']) await db.schema.dropTable(table).execute()
}
