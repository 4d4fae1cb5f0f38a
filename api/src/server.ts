import cluster from 'node:cluster'
import os from 'node:os'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { openDatabase } from '@verity/db'
import { type App, createApp } from './app.js'
import { prepareDatabase } from './bootstrap.js'
import { type Env, loadEnv } from './env.js'
import { recordingTransport, smtpTransport } from './modules/outbox/outbox.transport.js'
import { compaction } from './modules/retention/compaction.js'
import { type ScheduledJob, startRetentionSchedule } from './modules/retention/retention.schedule.js'
import { checkAgeCompliance, describeAgeCompliance } from './modules/flags/age-compliance.js'
import { startSummaryRefresh } from './modules/reports/summaries.js'
import { defaultAuditCheckpointFile, startAuditCheckpoints } from './platform/audit-checkpoint.js'
import { loadAuditKey } from './platform/audit-key.js'
import { markDraining } from './platform/lifecycle.js'

/** What the app is given, the same in every process: read from the environment and the audit key. */
function appConfig(env: Env, auditKey: Uint8Array) {
  return {
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    session: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 },
    uiDir: path.resolve(import.meta.dirname, '../../admin-ui/dist'),
    transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.MAIL_FROM) : recordingTransport,
    resetUrl: env.STORE_RESET_URL,
    auditKey,
    auditCheckpointFile: path.resolve(env.AUDIT_CHECKPOINT_FILE ?? defaultAuditCheckpointFile(env.DATABASE_URL)),
    mfa: { requiredRoles: env.MFA_REQUIRED_ROLES, freshMs: env.MFA_FRESH_MINUTES * 60_000 },
  }
}

/**
 * Runs Verity: migrates and seeds as needed, keeps the scheduled work (audit checkpoints, retention, report summaries),
 * and serves the API and the built console on one port: itself, or with WORKERS > 1 (0: one per core) through that many
 * worker processes that share the port and the database and keep nothing of their own (docs/decisions/0018).
 */
export async function main() {
  const env = loadEnv()
  if (cluster.isWorker) return serveAsWorker(env)
  // Before the database: a key file that is unsafe or unusable stops the server before anything is written.
  const { key: auditKey } = loadAuditKey({ key: env.AUDIT_KEY, file: env.AUDIT_KEY_FILE, create: true })
  const handle = await prepareDatabase(env, auditKey)
  const config = appConfig(env, auditKey)
  const checkpoints = await startAuditCheckpoints(handle.db, { file: config.auditCheckpointFile, key: auditKey })
  // A system act: no staff member, no address, the clock read when each run starts.
  const systemContext = () => ({ staff: null, ip: null, now: new Date(), config })
  // Children's accounts (docs/design.md promise 9): checked now, so that freshly seeded data is flagged at once, then daily
  // with retention, as birthdays change who breaks the rule.
  const ageCheck: ScheduledJob = {
    name: 'Age compliance check',
    run: async (db, ctx) => {
      const counts = await checkAgeCompliance(db, ctx)
      return Object.values(counts).some((n) => n > 0) ? describeAgeCompliance(counts) : null
    },
  }
  try {
    const line = await ageCheck.run(handle.db, systemContext())
    if (line) console.log(line)
  } catch (e) {
    console.error(`Age compliance check failed, to be tried again with retention: ${e instanceof Error ? e.message : String(e)}`)
  }
  const retention = startRetentionSchedule(handle.db, {
    intervalMs: env.RETENTION_INTERVAL_HOURS * 3_600_000,
    context: systemContext,
    jobs: [ageCheck, compaction],
  })
  // Report summaries follow every change; counted now, so the first report after seeding waits for nothing.
  const summaries = startSummaryRefresh(handle.db, systemContext)
  const workers = env.WORKERS === 0 ? os.availableParallelism() : env.WORKERS
  const serving = workers > 1 ? await startWorkers(workers) : await serveHere(createApp(handle.db, config).app, env.PORT, env.DRAIN_SECONDS)
  console.log(`\nVerity is running at http://localhost:${env.PORT}${workers > 1 ? ` (${workers} worker processes)` : ''}`)
  console.log('Sign in as agent@, compliance@, manager@ or admin@example.com with the staff password.')
  console.log(`API reference: http://localhost:${env.PORT}/api/docs\n`)
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    // Requests in flight are answered; a retention run ends after its pass under way; the last checkpoint needs the database too.
    void serving
      .stop()
      .then(() => Promise.all([retention.stop(), summaries.stop()]))
      .finally(() => checkpoints.stop())
      .finally(() => handle.close())
      .finally(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

interface Serving {
  /** stops taking connections and resolves once those open have been answered */
  stop(): Promise<void>
}

/**
 * Serves on `port`. Stopping first answers 503 on /api/ready for `drainSeconds` while serving on (a load balancer takes
 * the instance out of rotation), then takes no new connection and ends once the requests in flight are answered.
 */
async function serveHere(app: App, port: number, drainSeconds: number): Promise<Serving> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port }, () => resolve(s))
  })
  return {
    stop: async () => {
      markDraining()
      await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Ten seconds for the answers under way; then whatever is still open is cut.
        setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 10_000).unref()
      })
    },
  }
}

/** Forks the workers, and forks another for any that dies while serving; answers once every one listens. */
async function startWorkers(count: number): Promise<Serving> {
  let stopping = false
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    console.error(`Worker ${worker.process.pid} stopped (${signal ?? code}); starting another`)
    cluster.fork()
  })
  await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => cluster.fork().once('listening', resolve))))
  return {
    stop: async () => {
      stopping = true
      await Promise.all(
        Object.values(cluster.workers ?? {}).map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker!.once('exit', () => resolve())
              worker!.process.kill('SIGTERM')
            }),
        ),
      )
    },
  }
}

/** A worker: serves the app on the shared port, on the database the primary has prepared; stops when told or orphaned. */
async function serveAsWorker(env: Env) {
  const { key: auditKey } = loadAuditKey({ key: env.AUDIT_KEY, file: env.AUDIT_KEY_FILE, create: false })
  const handle = openDatabase(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE })
  const serving = await serveHere(createApp(handle.db, appConfig(env, auditKey)).app, env.PORT, env.DRAIN_SECONDS)
  const stop = () => void serving.stop().finally(() => handle.close().finally(() => process.exit(0)))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // The primary killed outright leaves no one to stop this worker: it stops by itself.
  process.on('disconnect', stop)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
