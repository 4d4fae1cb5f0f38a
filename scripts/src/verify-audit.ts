import fs from 'node:fs'
import path from 'node:path'
import { defaultAuditCheckpointFile, loadAuditKey, loadEnv, readAuditCheckpoints, verifyAuditChain } from '@verity/api'
import { isPostgresUrl, openDatabase } from '@verity/db'

/**
 * `npm run audit:verify`: recomputes the keyed audit chain and compares it with the checkpoints the server wrote outside
 * the database. Exits 1 naming what is wrong: an entry re-hashed or forged, a broken link, entries missing at the end, or
 * a chain re-hashed after a checkpoint; or when there is no key to check with. Reads the server's environment
 * (DATABASE_URL, AUDIT_KEY or AUDIT_KEY_FILE, AUDIT_CHECKPOINT_FILE) and never creates a key.
 */
async function verifyAudit(): Promise<number> {
  const env = loadEnv()
  // Opening a SQLite file that is not there would create an empty one, and an empty log "holds".
  if (!isPostgresUrl(env.DATABASE_URL) && !fs.existsSync(env.DATABASE_URL)) {
    console.error(`No database at ${path.resolve(env.DATABASE_URL)}: set DATABASE_URL to the server's.`)
    return 1
  }
  const { key, source } = loadAuditKey({ key: env.AUDIT_KEY, file: env.AUDIT_KEY_FILE, create: false })
  const checkpointFile = path.resolve(env.AUDIT_CHECKPOINT_FILE ?? defaultAuditCheckpointFile(env.DATABASE_URL))
  const { checkpoints, malformed } = await readAuditCheckpoints(checkpointFile)
  if (malformed) console.warn(`Warning: ${malformed} line(s) of ${checkpointFile} are not checkpoints and were skipped.`)
  if (!checkpoints.length) {
    console.warn(
      `Warning: no checkpoint in ${checkpointFile}, so entries cut off the end of the log cannot be noticed. ` +
        'The server appends one there at start, every minute while the log grows, and at shutdown; set AUDIT_CHECKPOINT_FILE if it ran with another.',
    )
  }
  const handle = openDatabase(env.DATABASE_URL)
  try {
    const report = await verifyAuditChain(handle.db, key, { checkpoints })
    if (report.ok) console.log(`${report.message} (key: ${source})`)
    else console.error(report.message)
    return report.ok ? 0 : 1
  } finally {
    await handle.close()
  }
}

verifyAudit().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  },
)
