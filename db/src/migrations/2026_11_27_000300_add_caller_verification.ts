import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`

  // Searches an agent runs during a call, each answered from an index at a million customers.
  await sql`create index customers_email_lower_idx on customers (lower(email))`.execute(db)
  await sql`create index customers_name_idx on customers (lower(last_name), lower(first_name))`.execute(db)
  await sql`create index customers_first_name_idx on customers (lower(first_name))`.execute(db)
  const digits = sql`replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', '')`
  const tail = pg ? sql`right(${digits}, 8)` : sql`substr(${digits}, -8)`
  await sql`create index customers_phone_tail_idx on customers ((${tail}))`.execute(db)

  // Compliance's queue of signals: locked verifications, probing agents, policy breaches.
  await db.schema
    .createTable('flags')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'integer', (c) => c.references('customers.id'))
    .addColumn('staff_id', 'integer', (c) => c.references('staff_users.id'))
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('resolved_at', time)
    .addColumn('resolved_by', 'integer', (c) => c.references('staff_users.id'))
    .addColumn('resolution', 'text')
    .execute()
  await db.schema.createIndex('flags_open_idx').on('flags').columns(['resolved_at', 'created_at']).execute()
  await db.schema.createIndex('flags_customer_idx').on('flags').column('customer_id').execute()

  // Compliance's written-reason access to one customer ("break-glass").
  await db.schema
    .createTable('unmask_grants')
    .addColumn('id', 'integer', id)
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('unmask_grants_lookup_idx').on('unmask_grants').columns(['staff_id', 'customer_id', 'expires_at']).execute()

  // One-time codes, hashed; the code itself exists only in the message sent.
  await db.schema
    .createTable('verification_codes')
    .addColumn('id', 'integer', id)
    .addColumn('verification_id', 'integer', (c) => c.notNull().references('verifications.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('confirmed_at', time)
    .execute()
  await db.schema.createIndex('verification_codes_verification_idx').on('verification_codes').column('verification_id').execute()

  // Reset links sent to customers, hashed; the store's sign-in page redeems them.
  await db.schema
    .createTable('password_reset_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('requested_by', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .execute()

  await db.schema.alterTable('outbox').addColumn('subject', 'text').execute()
  await db.schema.createIndex('outbox_customer_idx').on('outbox').column('customer_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_customer_idx').execute()
  await db.schema.alterTable('outbox').dropColumn('subject').execute()
  for (const table of ['password_reset_tokens', 'verification_codes', 'unmask_grants', 'flags']) {
    await db.schema.dropTable(table).execute()
  }
  for (const index of ['customers_phone_tail_idx', 'customers_first_name_idx', 'customers_name_idx', 'customers_email_lower_idx']) {
    await db.schema.dropIndex(index).execute()
  }
}
