import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`

  await db.schema
    .createTable('customers')
    .addColumn('id', 'integer', id)
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('phone', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('gender', 'text')
    .addColumn('country', 'text')
    .addColumn('region', 'text')
    .addColumn('city', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('guardian_name', 'text')
    .addColumn('guardian_consent_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_login_at', time)
    .execute()

  await db.schema
    .createTable('customer_credentials')
    .addColumn('customer_id', 'integer', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('addresses')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('label', 'text')
    .addColumn('recipient_name', 'text')
    .addColumn('line1', 'text')
    .addColumn('line2', 'text')
    .addColumn('city', 'text')
    .addColumn('region', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('country', 'text')
    .addColumn('phone', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('addresses_customer_idx').on('addresses').column('customer_id').execute()

  await db.schema
    .createTable('payment_methods')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('brand', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('exp_month', 'integer', (c) => c.notNull())
    .addColumn('exp_year', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('payment_methods_customer_idx').on('payment_methods').column('customer_id').execute()

  await db.schema
    .createTable('orders')
    .addColumn('id', 'integer', id)
    // Orders outlive an erasure (accounting), stripped of personal data.
    .addColumn('customer_id', 'integer', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('placed_at', time, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('ship_name', 'text')
    .addColumn('ship_address', 'text')
    .addColumn('ship_phone', 'text')
    .addColumn('ship_country', 'text')
    .execute()
  await db.schema.createIndex('orders_customer_idx').on('orders').columns(['customer_id', 'placed_at']).execute()

  await db.schema
    .createTable('access_logs')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('os', 'text')
    .addColumn('browser', 'text')
    .addColumn('referrer', 'text')
    .execute()
  await db.schema.createIndex('access_logs_customer_idx').on('access_logs').columns(['customer_id', 'at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['access_logs', 'orders', 'payment_methods', 'addresses', 'customer_credentials', 'customers']) {
    await db.schema.dropTable(table).execute()
  }
}
