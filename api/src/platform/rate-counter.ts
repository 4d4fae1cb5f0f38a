import type { Database } from '@verity/db'
import { type Kysely, sql } from 'kysely'

/**
 * Counts one event under `key` in a fixed window and answers the count so far, this one included. The increment is one
 * SQL statement, so parallel requests each get their own number and no limit can be overrun by racing it.
 */
export async function countEvent(
  db: Kysely<Database>,
  key: string,
  windowMs: number,
  now: Date,
): Promise<{ count: number; resetsAt: Date }> {
  const at = now.toISOString()
  const stale = new Date(now.getTime() - windowMs).toISOString()
  const row = await db
    .insertInto('rate_counters')
    .values({ key, window_started_at: at, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_counters.window_started_at <= ${stale} then 1 else rate_counters.count + 1 end`,
        window_started_at: sql<string>`case when rate_counters.window_started_at <= ${stale} then ${at} else rate_counters.window_started_at end`,
      }),
    )
    .returning(['count', 'window_started_at'])
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), resetsAt: new Date(Date.parse(row.window_started_at) + windowMs) }
}
