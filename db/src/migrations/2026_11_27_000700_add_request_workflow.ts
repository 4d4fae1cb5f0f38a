import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`

  // Edit, erasure and access requests on a deadline: who called, when it is due, whether it was extended, what it did.
  await db.schema.alterTable('data_requests').addColumn('due_at', time).execute()
  await db.schema.alterTable('data_requests').addColumn('extended_at', time).execute()
  await db.schema.alterTable('data_requests').addColumn('extension_reason', 'text').execute()
  await db.schema
    .alterTable('data_requests')
    .addColumn('caller', 'text', (c) => c.notNull().defaultTo('customer'))
    .execute()
  await db.schema.alterTable('data_requests').addColumn('caller_name', 'text').execute()
  await db.schema
    .alterTable('data_requests')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('phone'))
    .execute()
  await db.schema.alterTable('data_requests').addColumn('result', 'text').execute()
  await sql`create unique index data_requests_one_open_idx on data_requests (customer_id, type) where status = 'pending'`.execute(db)
  await db.schema.createIndex('data_requests_due_idx').on('data_requests').columns(['status', 'due_at']).execute()

  // Who called: the customer, a guardian of a minor, or an agent the customer authorised.
  await db.schema
    .alterTable('verifications')
    .addColumn('caller', 'text', (c) => c.notNull().defaultTo('customer'))
    .execute()
  await db.schema.alterTable('verifications').addColumn('caller_name', 'text').execute()

  // The marketing choice a customer may change by calling.
  await db.schema
    .alterTable('customers')
    .addColumn('marketing_opt_in', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  // Access exports, fetched once through a link sent to the customer; only the token's hash is kept.
  await db.schema
    .createTable('request_exports')
    .addColumn('id', 'integer', id)
    .addColumn('request_id', 'integer', (c) => c.notNull().references('data_requests.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('downloaded_at', time)
    .execute()

  // Files kept with a request: an authorised agent's written permission, a letter received.
  await db.schema
    .createTable('request_attachments')
    .addColumn('id', 'integer', id)
    .addColumn('request_id', 'integer', (c) => c.notNull().references('data_requests.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('request_attachments_request_idx').on('request_attachments').column('request_id').execute()

  // One open age-compliance flag per customer and kind, whatever the daily check races with.
  await sql`create unique index flags_one_open_age_idx on flags (customer_id, kind) where resolved_at is null and kind in ('underage_account', 'minor_without_consent')`.execute(
    db,
  )

  // Retention deletes access logs by age across all customers.
  await db.schema.createIndex('access_logs_at_idx').on('access_logs').column('at').execute()

  // A release of data by the officer who logged the disclosure, when no other officer was active to do it.
  await db.schema
    .alterTable('disclosures')
    .addColumn('lone_officer_release', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('disclosures').dropColumn('lone_officer_release').execute()
  await db.schema.dropIndex('access_logs_at_idx').execute()
  await db.schema.dropIndex('flags_one_open_age_idx').execute()
  await db.schema.dropTable('request_attachments').execute()
  await db.schema.dropTable('request_exports').execute()
  await db.schema.alterTable('customers').dropColumn('marketing_opt_in').execute()
  await db.schema.alterTable('verifications').dropColumn('caller_name').execute()
  await db.schema.alterTable('verifications').dropColumn('caller').execute()
  await db.schema.dropIndex('data_requests_due_idx').execute()
  await db.schema.dropIndex('data_requests_one_open_idx').execute()
  for (const column of ['result', 'channel', 'caller_name', 'caller', 'extension_reason', 'extended_at', 'due_at']) {
    await db.schema.alterTable('data_requests').dropColumn(column).execute()
  }
}
