import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { verifyAuditChain } from '@verity/api'
import { migrateToLatest, openDatabase, seedCustomers } from '@verity/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './build-console.js'

const run = promisify(execFile)
const key = randomBytes(32)

let dir: string
let database: string

/** `npm run retention`, the real command, on the SQLite file of this test. */
async function retention(env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'retention'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database,
        AUDIT_KEY: key.toString('hex'),
        AUDIT_KEY_FILE: path.join(dir, 'audit.key'),
        ...env,
      },
    })
    return { code: 0, out: stdout + stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, out: err.stdout + err.stderr }
  }
}

async function withDatabase<T>(work: (db: ReturnType<typeof openDatabase>['db']) => Promise<T>): Promise<T> {
  const handle = openDatabase(database)
  try {
    return await work(handle.db)
  } finally {
    await handle.close()
  }
}

const retentionEntries = () =>
  withDatabase((db) => db.selectFrom('audit_log').select(['details']).where('action', '=', 'retention.run').orderBy('id').execute())

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-retention-'))
  database = path.join(dir, 'verity.sqlite')
  const handle = openDatabase(database)
  await migrateToLatest(handle.db)
  await seedCustomers(handle, { count: 20, seed: 7 })
  // one more, recent enough to stay whenever the test runs
  await handle.db
    .insertInto('access_logs')
    .values({ customer_id: 1, at: new Date().toISOString(), ip: '203.0.113.9', os: 'iOS', browser: 'Safari', referrer: null })
    .execute()
  await handle.close()
}, 60_000)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('npm run retention', () => {
  it('runs once, prints its counts and audits them under the key, and finds nothing more the second time', async () => {
    const cutoff = new Date()
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 13)
    const logs = () => withDatabase((db) => db.selectFrom('access_logs').select('at').execute())
    const before = await logs()
    const old = before.filter((l) => l.at < cutoff.toISOString()).length
    expect(old).toBeGreaterThan(0)

    const first = await retention()
    expect(first).toMatchObject({ code: 0, out: expect.stringContaining('(audited as retention.run)') })
    const deleted = Number(/access logs deleted: (\d+)/.exec(first.out)?.[1])
    expect(deleted).toBeGreaterThanOrEqual(old) // the command's clock reads a moment later than this test's
    expect(first.out).toContain('customers under legal hold skipped: 0')
    const after = await logs()
    expect(after).toHaveLength(before.length - deleted)
    expect(after.length).toBeGreaterThan(0)

    const second = await retention()
    expect(second).toMatchObject({ code: 0, out: expect.stringContaining('access logs deleted: 0') })
    const entries = await retentionEntries()
    expect(entries.map((e) => JSON.parse(e.details).access_logs)).toEqual([deleted, 0])
    expect(await withDatabase((db) => verifyAuditChain(db, new Uint8Array(key)))).toMatchObject({ ok: true })
  })

  it('says how to give the key when it has none, creates none, and changes nothing', async () => {
    const entries = (await retentionEntries()).length
    const result = await retention({ AUDIT_KEY: '' })
    expect(result.code).toBe(1)
    expect(result.out).toMatch(/No audit key[\s\S]*AUDIT_KEY=[\s\S]*AUDIT_KEY_FILE/)
    expect(fs.existsSync(path.join(dir, 'audit.key'))).toBe(false)
    expect(await retentionEntries()).toHaveLength(entries)
  })

  it('refuses a database that is not there rather than creating an empty one', async () => {
    const missing = path.join(dir, 'elsewhere.sqlite')
    const result = await retention({ DATABASE_URL: missing })
    expect(result.code).toBe(1)
    expect(result.out).toContain(`No database at ${missing}`)
    expect(fs.existsSync(missing)).toBe(false)
  })
})
