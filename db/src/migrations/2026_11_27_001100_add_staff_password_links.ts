import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// Set-password links for staff (docs/design.md, Staff accounts): an admin creating an account or resetting a password
// never types one; the staff member gets a single-use link by email. The token is stored hashed (SHA-256, hex); the
// link exists only in the message. `purpose` says which email was sent: 'invite' for a new account, 'reset' otherwise.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const time = pg ? sql`timestamptz` : sql`text`
  await db.schema
    .createTable('staff_password_links')
    .addColumn('id', 'integer', id)
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'integer', (c) => c.references('staff_users.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .execute()
  await db.schema.createIndex('staff_password_links_staff_idx').on('staff_password_links').column('staff_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('staff_password_links_staff_idx').execute()
  await db.schema.dropTable('staff_password_links').execute()
}
