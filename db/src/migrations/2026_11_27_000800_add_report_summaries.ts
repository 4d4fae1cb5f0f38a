import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// Summaries the aggregate reports read, kept up to date as data changes (docs/decisions/0014-report-summaries.md):
// triggers mark every customer whose counted figures may have changed; the server recounts those customers.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const money = pg ? 'bigint' : 'integer'

  await db.schema
    .createTable('report_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    // the day the age bands in the summaries are counted on (YYYY-MM-DD), null before the first count
    .addColumn('as_of', 'text')
    // bumped whenever a summary changes, so a published table can be reused until then
    .addColumn('version', 'integer', (c) => c.notNull())
    // which record keys the cell keys were summed with (a digest, not the key); another key means a recount
    .addColumn('record_keys', 'text')
    .execute()
  await db.insertInto('report_state').values({ id: 1, as_of: null, version: 0, record_keys: null }).execute()

  // Customers to recount: ids only, so nothing about them waits here. 0 stands for orders without a customer.
  await db.schema
    .createTable('report_dirty')
    .addColumn('customer_id', 'integer', (c) => c.primaryKey())
    .execute()

  // Each customer as the demographics summary counts them now (erased customers are not counted).
  await db.schema
    .createTable('counted_customers')
    .addColumn('customer_id', 'integer', (c) => c.primaryKey())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('signup_month', 'text', (c) => c.notNull())
    .execute()
  // Customers per finest cell, with the sum of their record keys modulo 2³² (the cell key, docs/decisions/0011).
  await db.schema
    .createTable('customer_cells')
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('signup_month', 'text', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('key_sum', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_cells_pk', ['signup_month', 'age_band', 'gender', 'country', 'region'])
    .execute()

  // Each customer's sales per month and currency as counted now, in the customer's current place.
  await db.schema
    .createTable('counted_sales')
    .addColumn('customer_id', 'integer', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addColumn('revenue', money, (c) => c.notNull())
    .addPrimaryKeyConstraint('counted_sales_pk', ['customer_id', 'month', 'currency'])
    .execute()
  await db.schema.createIndex('counted_sales_place_idx').on('counted_sales').columns(['country', 'region', 'currency', 'month']).execute()
  // Sales per period (all time 'all', a year, a quarter 'YYYY-Qn', a month), region and currency: how many customers
  // bought, and the most one of them spent, for the dominance rule.
  await db.schema
    .createTable('sales_cells')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addColumn('revenue', money, (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('largest', money, (c) => c.notNull())
    .addPrimaryKeyConstraint('sales_cells_pk', ['period', 'country', 'region', 'currency'])
    .execute()
  // New buyers (first sale that month) and returning ones, per month.
  await db.schema
    .createTable('buyer_months')
    .addColumn('month', 'text', (c) => c.primaryKey())
    .addColumn('new_buyers', 'integer', (c) => c.notNull())
    .addColumn('returning_buyers', 'integer', (c) => c.notNull())
    .execute()

  // Birthdays move customers between age bands: each day's movers are found by birth date.
  await db.schema.createIndex('customers_birth_date_idx').on('customers').column('birth_date').execute()

  if (pg) {
    await sql`create function report_customer_changed() returns trigger language plpgsql as $$
      begin
        insert into report_dirty (customer_id) values (new.id) on conflict do nothing;
        return null;
      end $$`.execute(db)
    await sql`create trigger customers_report_changed
      after insert or update of birth_date, gender, country, region, created_at, status on customers
      for each row execute function report_customer_changed()`.execute(db)
    await sql`create function report_order_changed() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then
          insert into report_dirty (customer_id) values (coalesce(old.customer_id, 0)) on conflict do nothing;
        end if;
        if tg_op <> 'DELETE' then
          insert into report_dirty (customer_id) values (coalesce(new.customer_id, 0)) on conflict do nothing;
        end if;
        return null;
      end $$`.execute(db)
    await sql`create trigger orders_report_changed
      after insert or delete or update of customer_id, placed_at, status, total_cents, currency on orders
      for each row execute function report_order_changed()`.execute(db)
  } else {
    const mark = (who: string) => sql.raw(`insert or ignore into report_dirty (customer_id) values (coalesce(${who}, 0));`)
    await sql`create trigger customers_report_inserted after insert on customers begin ${mark('new.id')} end`.execute(db)
    await sql`create trigger customers_report_updated after update of birth_date, gender, country, region, created_at, status
      on customers begin ${mark('new.id')} end`.execute(db)
    await sql`create trigger orders_report_inserted after insert on orders begin ${mark('new.customer_id')} end`.execute(db)
    await sql`create trigger orders_report_deleted after delete on orders begin ${mark('old.customer_id')} end`.execute(db)
    await sql`create trigger orders_report_updated after update of customer_id, placed_at, status, total_cents, currency
      on orders begin ${mark('old.customer_id')} ${mark('new.customer_id')} end`.execute(db)
  }

  // Everyone already here is counted at the first refresh.
  await sql`insert into report_dirty (customer_id) select id from customers`.execute(db)
  await sql`insert into report_dirty (customer_id) select 0 where exists (select 1 from orders where customer_id is null)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  if (pg) {
    await sql`drop trigger orders_report_changed on orders`.execute(db)
    await sql`drop trigger customers_report_changed on customers`.execute(db)
    await sql`drop function report_order_changed()`.execute(db)
    await sql`drop function report_customer_changed()`.execute(db)
  } else {
    for (const t of [
      'customers_report_inserted',
      'customers_report_updated',
      'orders_report_inserted',
      'orders_report_deleted',
      'orders_report_updated',
    ])
      await sql`drop trigger ${sql.raw(t)}`.execute(db)
  }
  await db.schema.dropIndex('customers_birth_date_idx').execute()
  for (const table of [
    'buyer_months',
    'sales_cells',
    'counted_sales',
    'customer_cells',
    'counted_customers',
    'report_dirty',
    'report_state',
  ])
    await db.schema.dropTable(table).execute()
}
