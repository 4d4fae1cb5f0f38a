import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`

  // A record may ask for its subjects' data to be preserved; emergencies are reviewed afterwards.
  await db.schema
    .alterTable('disclosures')
    .addColumn('hold_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('disclosures').addColumn('status_note', 'text').execute()
  await db.schema.alterTable('disclosures').addColumn('post_review_at', time).execute()
  await db.schema
    .alterTable('disclosures')
    .addColumn('post_review_by', 'integer', (c) => c.references('staff_users.id'))
    .execute()
  await db.schema.alterTable('disclosures').addColumn('post_review_note', 'text').execute()
  await db.schema.createIndex('disclosures_received_idx').on('disclosures').column('received_at').execute()
  await db.schema.createIndex('disclosures_status_idx').on('disclosures').column('status').execute()

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'integer', id)
    .addColumn('disclosure_id', 'integer', (c) => c.notNull().references('disclosures.id'))
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
    .addColumn('placed_at', time, (c) => c.notNull())
    .addColumn('placed_by', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('released_at', time)
    .addColumn('released_by', 'integer', (c) => c.references('staff_users.id'))
    .addColumn('release_reason', 'text')
    .execute()
  await db.schema.createIndex('legal_holds_customer_idx').on('legal_holds').columns(['customer_id', 'released_at']).execute()

  await db.schema
    .createTable('disclosure_attachments')
    .addColumn('id', 'integer', id)
    .addColumn('disclosure_id', 'integer', (c) => c.notNull().references('disclosures.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('staff_users.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('disclosure_attachments_disclosure_idx').on('disclosure_attachments').column('disclosure_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('disclosure_attachments').execute()
  await db.schema.dropTable('legal_holds').execute()
  await db.schema.dropIndex('disclosures_status_idx').execute()
  await db.schema.dropIndex('disclosures_received_idx').execute()
  for (const column of ['post_review_note', 'post_review_by', 'post_review_at', 'status_note', 'hold_requested']) {
    await db.schema.alterTable('disclosures').dropColumn(column).execute()
  }
}
