import { verifyAuditChain } from '@verity/api'
import { DEFAULT_DATABASE_URL, openDatabase } from '@verity/db'

/** `npm run audit:verify`: recomputes the whole audit chain; exits 1 naming the first broken entry. */
const handle = openDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
const report = await verifyAuditChain(handle.db)
await handle.close()
if (report.ok) {
  console.log(`Audit chain intact: ${report.checked} entries checked.`)
} else {
  console.error(
    `Audit chain BROKEN at entry #${report.firstBroken!.id} (${report.firstBroken!.reason}); ${report.checked} entries before it hold.`,
  )
  process.exit(1)
}
