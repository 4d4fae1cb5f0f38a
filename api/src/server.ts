import path from 'node:path'
import { serve } from '@hono/node-server'
import { createApp } from './app.js'
import { prepareDatabase } from './bootstrap.js'
import { loadEnv } from './env.js'
import { recordingTransport, smtpTransport } from './modules/outbox/outbox.transport.js'
import { compaction } from './modules/retention/compaction.js'
import { type ScheduledJob, startRetentionSchedule } from './modules/retention/retention.schedule.js'
import { checkAgeCompliance, describeAgeCompliance } from './modules/flags/age-compliance.js'
import { startSummaryRefresh } from './modules/reports/summaries.js'
import { defaultAuditCheckpointFile, startAuditCheckpoints } from './platform/audit-checkpoint.js'
import { loadAuditKey } from './platform/audit-key.js'

/** Runs Verity: migrates and seeds as needed, then serves the API and the built console on one port. */
export async function main() {
  const env = loadEnv()
  // Before the database: a key file that is unsafe or unusable stops the server before anything is written.
  const { key: auditKey } = loadAuditKey({ key: env.AUDIT_KEY, file: env.AUDIT_KEY_FILE, create: true })
  const handle = await prepareDatabase(env, auditKey)
  const auditCheckpointFile = path.resolve(env.AUDIT_CHECKPOINT_FILE ?? defaultAuditCheckpointFile(env.DATABASE_URL))
  const config = {
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    session: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 },
    uiDir: path.resolve(import.meta.dirname, '../../admin-ui/dist'),
    transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.MAIL_FROM) : recordingTransport,
    resetUrl: env.STORE_RESET_URL,
    auditKey,
    auditCheckpointFile,
    mfa: { requiredRoles: env.MFA_REQUIRED_ROLES, freshMs: env.MFA_FRESH_MINUTES * 60_000 },
  }
  const { app } = createApp(handle.db, config)
  const checkpoints = await startAuditCheckpoints(handle.db, { file: auditCheckpointFile, key: auditKey })
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
  const server = serve({ fetch: app.fetch, port: env.PORT }, () => {
    console.log(`\nVerity is running at http://localhost:${env.PORT}`)
    console.log('Sign in as agent@, compliance@, manager@ or admin@example.com with the staff password.')
    console.log(`API reference: http://localhost:${env.PORT}/api/docs\n`)
  })
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    server.close()
    // A retention run under way finishes first; the last checkpoint, covering its audit entry, needs the database too.
    void Promise.all([retention.stop(), summaries.stop()])
      .finally(() => checkpoints.stop())
      .finally(() => handle.close())
      .finally(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
