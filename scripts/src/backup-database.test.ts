/**
 * `npm run backup` (README, "Backups"): an online copy of the SQLite database, taken while the real server writes, then
 * restored by starting a server on it. What was acknowledged before the copy is there, the copy is one consistent
 * snapshot (its audit chain verifies under the key), and the checkpoints of the original say what the copy lacks.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '@verity/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, httpClient, npmRun, serverEnv, serverFiles, startServer } from './server.testing.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-backup-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function folder(name: string) {
  const at = path.join(dir, name)
  fs.mkdirSync(at, { recursive: true })
  return at
}

describe('npm run backup', () => {
  it('copies the database while the server writes; a server started on the copy has what was acknowledged, and its chain verifies', async () => {
    const live = folder('live')
    const copy = path.join(dir, 'copies', 'verity.sqlite')
    const filed: number[] = []
    let signIns = 0
    const server = await startServer(serverEnv(live, await freePort(), { SEED_CUSTOMERS: '20' }))
    try {
      const { request, login } = httpClient(server.url)
      const compliance = await login('compliance')
      // Requests received in writing (each a request, its audit entry and a receipt), acknowledged before the copy.
      for (const customerId of [1, 2, 3]) {
        const res = await request('POST', '/api/requests', { cookie: compliance, body: { customerId, type: 'access', channel: 'written' } })
        expect(res.status, res.text).toBe(201)
        filed.push(res.json.id)
      }
      // The server goes on writing while the copy is taken: sign-ins, each a session and an audit entry.
      let writing = true
      const writer = (async () => {
        while (writing) {
          await login('admin')
          signIns++
        }
      })()
      const result = await npmRun('backup', [copy], serverFiles(live))
      writing = false
      await writer
      expect(result.code, result.out).toBe(0)
      expect(result.out).toContain(`Backed up ${path.join(live, 'verity.sqlite')} to ${copy}`)
      expect(signIns).toBeGreaterThan(0)
      // One more entry after the copy, for the original's checkpoints to name.
      await login('admin')
      expect(server.errors()).toBe('')
    } finally {
      expect(await server.stop()).toBe(0)
    }

    // One file, readable by its owner only, with nothing beside it.
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(path.dirname(copy))).toEqual(['verity.sqlite'])

    // Restored as the README says: the copy in place of the database, the key from its own backup, the checkpoints moved aside.
    const restored = folder('restored')
    fs.copyFileSync(copy, path.join(restored, 'verity.sqlite'))
    fs.copyFileSync(path.join(live, 'audit.key'), path.join(restored, 'audit.key'))
    const again = await startServer(serverEnv(restored, await freePort()))
    try {
      const { request, login } = httpClient(again.url)
      const compliance = await login('compliance')
      for (const id of filed) {
        const res = await request('GET', `/api/requests/${id}`, { cookie: compliance })
        expect(res.status, res.text).toBe(200)
        expect(res.json).toMatchObject({ id, type: 'access', status: 'pending' })
      }
      expect(again.errors()).toBe('')
    } finally {
      expect(await again.stop()).toBe(0)
    }
    const handle = openDatabase(path.join(restored, 'verity.sqlite'))
    try {
      const check = await sql<{ quick_check: string }>`pragma quick_check`.execute(handle.db)
      expect(check.rows).toEqual([{ quick_check: 'ok' }])
    } finally {
      await handle.close()
    }

    // The restored log verifies against the restored server's checkpoints, under the original key; against the original's
    // checkpoints, it shows what was written after the copy: the entries missing at the end.
    const [verified, against] = await Promise.all([
      npmRun('audit:verify', [], serverFiles(restored)),
      npmRun('audit:verify', [], { ...serverFiles(restored), AUDIT_CHECKPOINT_FILE: serverFiles(live).AUDIT_CHECKPOINT_FILE }),
    ])
    expect(verified.code, verified.out).toBe(0)
    expect(verified.out).toContain('Audit chain intact')
    expect(against.code, against.out).toBe(1)
    expect(against.out).toContain('entries missing')
  }, 120_000)

  it('refuses PostgreSQL (pointing at pg_dump), a database that is not there, and a file that exists', async () => {
    const existing = path.join(folder('refusals'), 'taken.sqlite')
    fs.writeFileSync(existing, 'an earlier backup')
    fs.writeFileSync(path.join(dir, 'refusals', 'verity.sqlite'), '')
    const [postgres, missing, taken] = await Promise.all([
      npmRun('backup', [], { DATABASE_URL: 'postgres://verity@127.0.0.1:5432/verity' }),
      npmRun('backup', [], { DATABASE_URL: path.join(dir, 'nowhere', 'verity.sqlite') }),
      npmRun('backup', [existing], { DATABASE_URL: path.join(dir, 'refusals', 'verity.sqlite') }),
    ])
    expect(postgres).toMatchObject({ code: 1, out: expect.stringContaining('pg_dump') })
    expect(missing).toMatchObject({ code: 1, out: expect.stringContaining('No database at') })
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false)
    expect(taken).toMatchObject({ code: 1, out: expect.stringContaining(`${existing} already exists`) })
    expect(fs.readFileSync(existing, 'utf8')).toBe('an earlier backup')
  }, 60_000)
})
