import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// When each maintenance job last ran, so that a job with work only after some event (compacting the database after
// erasures) knows whether that event has happened since. One row per job, named.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema
    .createTable('maintenance_runs')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('last_run_at', pg ? sql`timestamptz` : sql`text`, (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('maintenance_runs').execute()
}
