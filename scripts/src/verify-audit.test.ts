import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createApp, seedStaff } from '@verity/api'
import { migrateToLatest, openDatabase } from '@verity/db'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { ROOT } from './build-console.js'

const run = promisify(execFile)

async function auditVerify(file: string) {
  try {
    const { stdout } = await run('npx', ['tsx', 'scripts/src/verify-audit.ts'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: file } })
    return { code: 0, out: stdout }
  } catch (e) {
    const err = e as { code: number; stderr: string }
    return { code: err.code, out: err.stderr }
  }
}

describe('npm run audit:verify', () => {
  it('passes an intact chain and names the first entry of a forged one', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verity-audit-')), 'verity.sqlite')
    const h = openDatabase(file)
    await migrateToLatest(h.db)
    await seedStaff(h.db, 'Audit-check-password-1')
    const { app } = createApp(h.db)
    for (let i = 0; i < 3; i++) {
      await app.request('http://localhost/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
        body: JSON.stringify({ email: 'admin@example.com', password: i === 1 ? 'wrong-password' : 'Audit-check-password-1' }),
      })
    }
    expect(await auditVerify(file)).toMatchObject({ code: 0, out: expect.stringContaining('intact: 7 entries') })
    await expect(sql`update audit_log set action = 'auth.logout' where id = 6`.execute(h.db)).rejects.toThrow(/append-only/)
    await sql`drop trigger audit_log_no_update`.execute(h.db)
    await sql`update audit_log set action = 'auth.logout' where id = 6`.execute(h.db)
    await h.close()
    expect(await auditVerify(file)).toMatchObject({ code: 1, out: expect.stringContaining('BROKEN at entry #6') })
  })
})
