import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// Staff second factors and two-person grants (docs/decisions/0015-second-factor-and-grants.md).
// - A session has a stage: 'signed_in', or one of the partial stages a password alone opens ('factor': it may only give
//   the second factor; 'enrol': it may only enrol one), the time its holder last gave the second factor, and the sealed
//   secret of an enrolment it started and has not confirmed (an enrolment left half-way changes nothing else).
// - staff_factors: one confirmed TOTP secret per staff member, sealed with a key the database never holds; `last_step`
//   is the last time step accepted, so a code cannot be used twice.
// - staff_recovery_codes: ten single-use codes per factor, stored as SHA-256 (hex).
// - grants: changes one admin cannot make alone (the compliance role, lowering k, verification limits); they wait
//   for a compliance officer other than the one who asked.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`
  const staffRef = (c: ColumnDefinitionBuilder) => c.references('staff_users.id')

  await db.schema
    .alterTable('staff_sessions')
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('signed_in'))
    .execute()
  await db.schema.alterTable('staff_sessions').addColumn('factor_at', time).execute()
  await db.schema.alterTable('staff_sessions').addColumn('enrol_secret', 'text').execute()

  await db.schema
    .createTable('staff_factors')
    .addColumn('staff_id', 'integer', (c) => c.primaryKey().references('staff_users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('totp')`))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', time, (c) => c.notNull())
    .addColumn('last_step', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('staff_recovery_codes')
    .addColumn('id', 'integer', id)
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .execute()
  await db.schema.createIndex('staff_recovery_codes_staff_idx').on('staff_recovery_codes').column('staff_id').execute()

  await db.schema
    .createTable('grants')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('role', 'setting')`))
    .addColumn('staff_id', 'integer', (c) => staffRef(c).onDelete('cascade'))
    .addColumn('role', 'text')
    .addColumn('setting', 'text')
    .addColumn('value', 'text')
    .addColumn('previous_value', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'cancelled')`))
    .addColumn('requested_by', 'integer', (c) => staffRef(c).notNull())
    .addColumn('requested_at', time, (c) => c.notNull())
    .addColumn('decided_by', 'integer', staffRef)
    .addColumn('decided_at', time)
    .execute()
  await db.schema.createIndex('grants_status_idx').on('grants').columns(['status', 'requested_at']).execute()
  // one pending grant per account and per setting: a new request ends the one before, in the same transaction
  await sql`create unique index grants_pending_staff on grants (staff_id) where status = 'pending' and kind = 'role'`.execute(db)
  await sql`create unique index grants_pending_setting on grants (setting) where status = 'pending' and kind = 'setting'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index grants_pending_setting`.execute(db)
  await sql`drop index grants_pending_staff`.execute(db)
  await db.schema.dropIndex('grants_status_idx').execute()
  await db.schema.dropTable('grants').execute()
  await db.schema.dropIndex('staff_recovery_codes_staff_idx').execute()
  await db.schema.dropTable('staff_recovery_codes').execute()
  await db.schema.dropTable('staff_factors').execute()
  await db.schema.alterTable('staff_sessions').dropColumn('enrol_secret').execute()
  await db.schema.alterTable('staff_sessions').dropColumn('factor_at').execute()
  await db.schema.alterTable('staff_sessions').dropColumn('stage').execute()
}
