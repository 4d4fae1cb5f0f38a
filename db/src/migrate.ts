import { type Kysely, Migrator, sql } from 'kysely'
import { migrations } from './migrations/index.js'
import { isPostgres } from './sql.js'

/**
 * Verity's migrator for this connection. Unless told the schema, Kysely takes its own tables for present when any schema
 * of the database has them, and then fails on the missing ones: on PostgreSQL, name the schema this connection migrates
 * (its search_path's first), so that a schema migrated beside it (another test's, running at the same time) cannot hide them.
 */
export async function migratorFor(db: Kysely<any>): Promise<Migrator> {
  const migrationTableSchema = isPostgres(db)
    ? ((await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? undefined)
    : undefined
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
}

/** Runs every pending migration; throws (naming the failed one) when any fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = await migratorFor(db)
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error)
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`)
  }
  return (results ?? []).map((r) => r.migrationName)
}
