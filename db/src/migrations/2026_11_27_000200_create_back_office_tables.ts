import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`
  const staffRef = (c: ColumnDefinitionBuilder) => c.references('staff_users.id')

  await db.schema
    .createTable('staff_users')
    .addColumn('id', 'integer', id)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('agent', 'compliance', 'manager', 'admin')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('last_login_at', time)
    .execute()

  await db.schema
    .createTable('staff_credentials')
    .addColumn('staff_id', 'integer', (c) => c.primaryKey().references('staff_users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('changed_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time, (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema.createIndex('staff_sessions_staff_idx').on('staff_sessions').column('staff_id').execute()

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', time, (c) => c.notNull())
    .addColumn('locked_until', time)
    .execute()

  await db.schema
    .createTable('verifications')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
    .addColumn('staff_id', 'integer', (c) => staffRef(c).notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('completed_at', time)
    .addColumn('unmasked_until', time)
    .execute()
  await db.schema.createIndex('verifications_customer_idx').on('verifications').columns(['customer_id', 'created_at']).execute()
  await db.schema.createIndex('verifications_staff_idx').on('verifications').columns(['staff_id', 'created_at']).execute()

  await db.schema
    .createTable('verification_questions')
    .addColumn('id', 'integer', id)
    .addColumn('verification_id', 'integer', (c) => c.notNull().references('verifications.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('matched', 'integer')
    .addColumn('answered_at', time)
    .execute()
  await db.schema.createIndex('verification_questions_verification_idx').on('verification_questions').column('verification_id').execute()

  await db.schema
    .createTable('data_requests')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('verification_id', 'integer', (c) => c.references('verifications.id'))
    .addColumn('changes', 'text')
    .addColumn('filed_by', 'integer', (c) => staffRef(c).notNull())
    .addColumn('decided_by', 'integer', staffRef)
    .addColumn('decided_at', time)
    .addColumn('decision_note', 'text')
    .addColumn('completed_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('data_requests_customer_idx').on('data_requests').column('customer_id').execute()

  await db.schema
    .createTable('disclosures')
    .addColumn('id', 'integer', id)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('authority', 'text', (c) => c.notNull())
    .addColumn('requesting_officer', 'text')
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('case_number', 'text', (c) => c.notNull())
    .addColumn('received_at', time, (c) => c.notNull())
    .addColumn('due_at', time)
    .addColumn('categories_requested', 'text')
    .addColumn('categories_produced', 'text')
    .addColumn('outcome', 'text')
    .addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('emergency_justification', 'text')
    .addColumn('nondisclosure_until', time)
    .addColumn('customer_notified_at', time)
    .addColumn('notice_note', 'text')
    .addColumn('created_by', 'integer', (c) => staffRef(c).notNull())
    .addColumn('reviewed_by', 'integer', staffRef)
    .addColumn('disclosed_by', 'integer', staffRef)
    .addColumn('disclosed_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('closed_at', time)
    .execute()

  await db.schema
    .createTable('disclosure_subjects')
    .addColumn('disclosure_id', 'integer', (c) => c.notNull().references('disclosures.id').onDelete('cascade'))
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
    .addPrimaryKeyConstraint('disclosure_subjects_pk', ['disclosure_id', 'customer_id'])
    .execute()
  await db.schema.createIndex('disclosure_subjects_customer_idx').on('disclosure_subjects').column('customer_id').execute()

  await db.schema
    .createTable('disclosure_amendments')
    .addColumn('id', 'integer', id)
    .addColumn('disclosure_id', 'integer', (c) => c.notNull().references('disclosures.id'))
    .addColumn('staff_id', 'integer', (c) => staffRef(c).notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'integer', staffRef)
    .execute()

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', id)
    .addColumn('customer_id', 'integer', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('sent_at', time)
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', id)
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_role', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('customer_id', 'integer')
    .addColumn('ip', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute()
  await db.schema.createIndex('audit_log_customer_idx').on('audit_log').columns(['customer_id', 'id']).execute()
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'id']).execute()

  // Append-only, enforced by the database itself.
  if (pg) {
    await sql`create function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db)
    await sql`create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_refuse_change()`.execute(db)
    await sql`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_refuse_change()`.execute(db)
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db)
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  for (const table of [
    'audit_log',
    'outbox',
    'settings',
    'disclosure_amendments',
    'disclosure_subjects',
    'disclosures',
    'data_requests',
    'verification_questions',
    'verifications',
    'login_throttle',
    'staff_sessions',
    'staff_credentials',
    'staff_users',
  ]) {
    await db.schema.dropTable(table).execute()
  }
  if (pg) await sql`drop function if exists audit_log_refuse_change()`.execute(db)
}
