import fs from 'node:fs'
import path from 'node:path'
import { compactAfterErasures, describeRetention, loadAuditKey, loadEnv, runRetention } from '@verity/api'
import { isPostgresUrl, openDatabase } from '@verity/db'

/**
 * `npm run retention`: one retention run now, as the server's schedule does (docs/design.md, promise 5 and the retention
 * rules in settings), and prints its counts. Reads the server's environment (DATABASE_URL, AUDIT_KEY or AUDIT_KEY_FILE,
 * SESSION_IDLE_MINUTES); the run is audited, so it needs the audit key and never creates one.
 */
async function retention(): Promise<number> {
  const env = loadEnv()
  // Opening a SQLite file that is not there would create an empty one.
  if (!isPostgresUrl(env.DATABASE_URL) && !fs.existsSync(env.DATABASE_URL)) {
    console.error(`No database at ${path.resolve(env.DATABASE_URL)}: set DATABASE_URL to the server's.`)
    return 1
  }
  const { key: auditKey } = loadAuditKey({ key: env.AUDIT_KEY, file: env.AUDIT_KEY_FILE, create: false })
  const handle = openDatabase(env.DATABASE_URL)
  try {
    const now = new Date()
    const counts = await runRetention(handle.db, {
      staff: null,
      ip: null,
      now,
      config: { auditKey, session: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 } },
    })
    console.log(`Retention run at ${now.toISOString()} (audited as retention.run):`)
    for (const line of describeRetention(counts)) console.log(`  ${line}`)
    console.log(`  ${(await compactAfterErasures(handle.db, now)) ?? 'no erasure since the last compaction'}`)
    return 0
  } finally {
    await handle.close()
  }
}

retention().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  },
)
