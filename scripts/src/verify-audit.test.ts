import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { openDatabase } from '@verity/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './build-console.js'

const run = promisify(execFile)
const PORT = 19101
const PASSWORD = 'Audit-check-password-1'

let dir: string
let serverEnv: Record<string, string>

/** `npm run audit:verify`, the real command, against the files a server left in `at`. */
async function auditVerify(at: string, env: Record<string, string> = {}) {
  const files = {
    DATABASE_URL: path.join(at, 'verity.sqlite'),
    AUDIT_KEY_FILE: path.join(at, 'audit.key'),
    AUDIT_CHECKPOINT_FILE: path.join(at, 'audit-checkpoints.jsonl'),
  }
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'audit:verify'], {
      cwd: ROOT,
      env: { ...process.env, AUDIT_KEY: '', ...files, ...env },
    })
    return { code: 0, out: stdout + stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, out: err.stdout + err.stderr }
  }
}

/** A copy of what the server left behind, to tamper with as someone with access to the database (not the key) would. */
function copyOfServerFiles() {
  const copy = fs.mkdtempSync(path.join(dir, 'case-'))
  for (const f of fs.readdirSync(dir)) if (fs.statSync(path.join(dir, f)).isFile()) fs.copyFileSync(path.join(dir, f), path.join(copy, f))
  return copy
}

async function withDatabase<T>(at: string, work: (db: ReturnType<typeof openDatabase>['db']) => Promise<T>): Promise<T> {
  const handle = openDatabase(path.join(at, 'verity.sqlite'))
  try {
    return await work(handle.db)
  } finally {
    await handle.close()
  }
}

const lastCheckpoint = (at: string) =>
  JSON.parse(fs.readFileSync(path.join(at, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n').at(-1)!) as {
    id: number
    hash: string
    at: string
    count: number
  }

function waitForOutput(child: ChildProcess, pattern: RegExp) {
  return new Promise<void>((resolve, reject) => {
    let seen = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (pattern.test(seen)) resolve()
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before "${pattern}":\n${seen}`)))
  })
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-audit-'))
  serverEnv = {
    ...process.env,
    PORT: String(PORT),
    DATABASE_URL: path.join(dir, 'verity.sqlite'),
    AUDIT_KEY: '',
    AUDIT_KEY_FILE: path.join(dir, 'audit.key'),
    AUDIT_CHECKPOINT_FILE: path.join(dir, 'audit-checkpoints.jsonl'),
    SEED_STAFF_PASSWORD: PASSWORD,
    SEED_CUSTOMERS: '0',
    // the admin signs in with the password alone, so that each sign-in writes its entry
    MFA_REQUIRED_ROLES: '',
  } as Record<string, string>
  // The real server: it creates the key, seeds, checkpoints at start, and again at SIGTERM before closing the database.
  const server = spawn(process.execPath, ['--import', 'tsx', 'api/src/server.ts'], { cwd: ROOT, env: serverEnv, stdio: 'pipe' })
  let errors = ''
  server.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  await waitForOutput(server, /Verity is running/)
  for (const password of [PASSWORD, 'wrong-password', PASSWORD, PASSWORD]) {
    await fetch(`http://localhost:${PORT}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: `http://localhost:${PORT}` },
      body: JSON.stringify({ email: 'admin@example.com', password }),
    })
  }
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve))
  server.kill('SIGTERM')
  expect(await exited).toBe(0)
  expect(errors).toBe('')
}, 120_000)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('the server', () => {
  it('keeps the key in a 0600 file, and checkpoints the head of the log up to its shutdown', async () => {
    expect(fs.statSync(path.join(dir, 'audit.key')).mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.join(dir, 'audit-checkpoints.jsonl')).mode & 0o777).toBe(0o600)
    const head = await withDatabase(dir, (db) =>
      db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').executeTakeFirstOrThrow(),
    )
    expect(lastCheckpoint(dir)).toMatchObject({ id: head.id, hash: head.hash, count: head.id })
    expect(fs.readFileSync(path.join(dir, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2)
  })
})

describe('npm run audit:verify', () => {
  it('passes the log the server left, matching its last checkpoint', async () => {
    const at = copyOfServerFiles()
    const { id, count } = lastCheckpoint(at)
    const result = await auditVerify(at)
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining(`Audit chain intact: ${count} entries checked`) })
    expect(result.out).toContain(`#${id}, ${count} entries) matches`)
  })

  it('names the missing tail when the last entries were deleted behind the triggers’ back', async () => {
    const at = copyOfServerFiles()
    const checkpoint = lastCheckpoint(at)
    await withDatabase(at, async (db) => {
      await expect(sql`delete from audit_log where id = ${checkpoint.id}`.execute(db)).rejects.toThrow(/append-only/)
      await sql`drop trigger audit_log_no_delete`.execute(db)
      await sql`delete from audit_log where id > ${checkpoint.id - 2}`.execute(db)
    })
    const result = await auditVerify(at)
    expect(result.code).toBe(1)
    expect(result.out).toContain(
      `entries missing: the checkpoint of ${checkpoint.at} names #${checkpoint.id} but the log ends at #${checkpoint.id - 2}`,
    )
  })

  it('names the first re-hashed entry when one in the middle was deleted and the rest re-hashed without the key', async () => {
    // what the old, unkeyed chain would have let through: SHA-256 of the same columns, or an HMAC under a guessed key
    const sha256 = (input: string) => createHash('sha256').update(input).digest('hex')
    const guessedKey = (input: string) => createHmac('sha256', randomBytes(32)).update(input).digest('hex')
    for (const rehash of [sha256, guessedKey]) {
      const at = copyOfServerFiles()
      await withDatabase(at, async (db) => {
        await sql`drop trigger audit_log_no_delete`.execute(db)
        await sql`drop trigger audit_log_no_update`.execute(db)
        await sql`delete from audit_log where id = 3`.execute(db)
        let prev = (await db.selectFrom('audit_log').select('hash').where('id', '=', 2).executeTakeFirstOrThrow()).hash
        for (const r of await db.selectFrom('audit_log').selectAll().where('id', '>', 3).orderBy('id').execute()) {
          const input = [prev, r.at, r.actor_id, r.actor_role, r.action, r.entity_type, r.entity_id, r.customer_id, r.ip, r.details]
          const hash = rehash(JSON.stringify(input))
          await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('id', '=', r.id).execute()
          prev = hash
        }
      })
      const result = await auditVerify(at)
      expect(result.code).toBe(1)
      expect(result.out).toContain('re-hashed or forged at entry #4')
    }
  })

  it('says how to give the key when it has none, and creates none', async () => {
    const at = copyOfServerFiles()
    fs.rmSync(path.join(at, 'audit.key'))
    const result = await auditVerify(at)
    expect(result.code).toBe(1)
    expect(result.out).toMatch(/No audit key[\s\S]*AUDIT_KEY=[\s\S]*AUDIT_KEY_FILE/)
    expect(fs.existsSync(path.join(at, 'audit.key'))).toBe(false)
    const key = fs.readFileSync(path.join(dir, 'audit.key'), 'utf8').trim()
    expect(await auditVerify(at, { AUDIT_KEY: Buffer.from(key, 'hex').toString('base64') })).toMatchObject({ code: 0 })
  })

  it('warns that a cut-off tail would go unnoticed without a checkpoint, and passes an intact chain', async () => {
    const at = copyOfServerFiles()
    fs.rmSync(path.join(at, 'audit-checkpoints.jsonl'))
    const result = await auditVerify(at)
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/Warning: no checkpoint in .*cannot be noticed/)
    expect(result.out).toContain('Audit chain intact')
  })
})
