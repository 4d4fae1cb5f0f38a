import { compactDatabase, type Database } from '@verity/db'
import type { Kysely } from 'kysely'
import type { ScheduledJob } from './retention.schedule.js'

const JOB = 'compaction'

/**
 * Compacts the database when a customer has been erased since the last compaction (docs/decisions/0016): the rows were
 * overwritten at once, but copies SQLite left in pages' unused space go only when the file is rewritten. Runs with
 * retention (daily) and after a start, so a crash between an erasure and its compaction is made good. Answers what it did,
 * or null when there was nothing to do (no erasure since, or PostgreSQL, which vacuums by itself).
 */
export async function compactAfterErasures(db: Kysely<Database>, now: Date): Promise<string | null> {
  const last = await db.selectFrom('maintenance_runs').select('last_run_at').where('job', '=', JOB).executeTakeFirst()
  let erasures = db
    .selectFrom('data_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', 'erasure')
    .where('status', '=', 'completed')
  if (last) erasures = erasures.where('completed_at', '>=', last.last_run_at)
  const { n } = await erasures.executeTakeFirstOrThrow()
  if (Number(n) === 0) return null
  const started = Date.now()
  if (!(await compactDatabase(db))) return null
  // Marked with the time it started: an erasure completing after that (none can while SQLite rewrites) is compacted next time.
  await db
    .insertInto('maintenance_runs')
    .values({ job: JOB, last_run_at: now.toISOString() })
    .onConflict((oc) => oc.column('job').doUpdateSet({ last_run_at: now.toISOString() }))
    .execute()
  return `Compacted the database after ${Number(n)} erasure${Number(n) === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`
}

export const compaction: ScheduledJob = { name: 'Compaction after erasures', run: (db, ctx) => compactAfterErasures(db, ctx.now) }
