import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { type RetentionContext, type RetentionCounts, runRetention } from './retention.service.js'

const LABELS: Record<keyof RetentionCounts, string> = {
  access_logs: 'access logs deleted',
  verification_questions: 'verification question results deleted',
  verification_codes: 'one-time codes deleted',
  verification_failures: 'verification failures deleted',
  search_hits: 'search hits deleted',
  outbox_cleared: 'sent messages cleared',
  rate_counters: 'expired rate counters deleted',
  login_throttle: 'expired sign-in throttles deleted',
  staff_sessions: 'expired staff sessions deleted',
  reset_links: 'expired password-reset links deleted',
  staff_links: 'expired staff set-password links deleted',
  request_exports: 'expired access exports deleted',
  held_customers_skipped: 'customers under legal hold skipped',
}

/** One line per count, for the server's log and `npm run retention`. */
export function describeRetention(counts: RetentionCounts): string[] {
  return (Object.keys(LABELS) as (keyof RetentionCounts)[]).map((k) => `${LABELS[k]}: ${counts[k]}`)
}

export interface RetentionSchedule {
  /** Cancels the next run and waits for one under way, so the database can be closed after it. */
  stop(): Promise<void>
}

export interface RetentionScheduleOptions {
  /** between runs; 0 turns the schedule off */
  intervalMs: number
  /** before the first run, so that it does not compete with the server starting */
  firstRunMs?: number
  /** the context of each run, read when it starts (its clock most of all) */
  context: () => RetentionContext
  log?: Pick<Console, 'log' | 'error'>
  /** more daily work run on the same turn after retention (the age-compliance check), each on its own: one failing spares the rest */
  jobs?: ScheduledJob[]
}

export interface ScheduledJob {
  name: string
  /** answers a line for the log, or null when there is nothing to say */
  run: (db: Kysely<Database>, ctx: RetentionContext) => Promise<string | null>
}

/**
 * Runs retention a few seconds after the server starts and then every `intervalMs`, each run timed from the end of the
 * last so that two never overlap. The timer does not keep the process alive, and a failed run is logged and tried again
 * at the next turn: retention never takes the server down.
 */
export function startRetentionSchedule(
  db: Kysely<Database>,
  { intervalMs, firstRunMs = 5_000, context, log = console, jobs = [] }: RetentionScheduleOptions,
): RetentionSchedule {
  if (intervalMs <= 0) return { stop: async () => {} }
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  async function runOnce() {
    try {
      // a long run stops between passes when the server does; the next run carries on
      const counts = await runRetention(db, context(), { stopping: () => stopped })
      const changed = Object.entries(counts).some(([k, n]) => k !== 'held_customers_skipped' && n > 0)
      if (changed) log.log(`Retention: ${describeRetention(counts).join(', ')}.`)
    } catch (e) {
      log.error(`Retention run failed, to be tried again at the next run: ${e instanceof Error ? e.message : String(e)}`)
    }
    for (const job of jobs) {
      if (stopped) break // each is tried again at the next start's run
      try {
        const line = await job.run(db, context())
        if (line) log.log(line)
      } catch (e) {
        log.error(`${job.name} failed, to be tried again at the next run: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
  }

  function scheduleNext(delayMs: number) {
    if (stopped) return
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined
        scheduleNext(intervalMs)
      })
    }, delayMs)
    timer.unref()
  }

  scheduleNext(firstRunMs)
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
