import { type Kysely, Migrator } from 'kysely'
import { migrations } from './migrations/index.js'

/** Runs every pending migration; throws (naming the failed one) when any fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error)
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`)
  }
  return (results ?? []).map((r) => r.migrationName)
}
