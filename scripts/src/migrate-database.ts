import { DEFAULT_DATABASE_URL, migrateToLatest, openDatabase } from '@verity/db'

/** `npm run migrate`: applies pending migrations to DATABASE_URL; exits 1 naming a migration that fails. */
const handle = openDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
try {
  const started = Date.now()
  const applied = await migrateToLatest(handle.db)
  console.log(applied.length ? `Applied ${applied.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s.` : 'Already up to date.')
} catch (e) {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 1
} finally {
  await handle.close()
}
