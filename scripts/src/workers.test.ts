import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadAuditKey, readAuditCheckpoints, verifyAuditChain } from '@verity/api'
import { openDatabase } from '@verity/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, httpClient, type ServerProcess, serverEnv, serverFiles, startServer } from './server.testing.js'

/**
 * Worker processes (issue 12, docs/decisions/0018): with WORKERS=2 the server forks two processes that share its port and
 * its database and keep nothing of their own. A session made through one is good on the other, parallel requests
 * spread over both still give one effect (promise 10), the audit chain stays one chain, and SIGTERM stops them all.
 */
let dir: string
let server: ServerProcess
let workers: number[]

/** The server processes `pid` forked (not the helpers its TypeScript loader may start, such as esbuild's service). */
const workersOf = (pid: number) =>
  execFileSync('ps', ['--ppid', String(pid), '-o', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('api/src/server.ts'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-workers-'))
  server = await startServer(serverEnv(dir, await freePort(), { WORKERS: '2', SEED_CUSTOMERS: '40' }))
  workers = workersOf(server.child.pid!)
}, 120_000)
afterAll(async () => {
  if (server.child.exitCode === null) await server.kill()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('two worker processes on one database', () => {
  it('serve the port beside the process that keeps the schedule', () => {
    expect(workers).toHaveLength(2)
  })

  it('take a session made through one on the other, and give one effect for thirty filings at once', async () => {
    const client = httpClient(server.url)
    const agent = await client.login('agent')
    // Thirty at once open thirty connections, which the primary hands to the workers in turn.
    const me = await Promise.all(Array.from({ length: 30 }, () => client.request('GET', '/api/auth/me', { cookie: agent })))
    expect(me.map((r) => r.status)).toEqual(Array(30).fill(200))

    const officer = await client.login('compliance')
    const handle = openDatabase(serverFiles(dir).DATABASE_URL)
    const { id: customerId } = await handle.db
      .selectFrom('customers')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    await handle.close()
    const filings = await Promise.all(
      Array.from({ length: 30 }, () =>
        client.request('POST', '/api/requests', { cookie: officer, body: { customerId, type: 'erasure', channel: 'written' } }),
      ),
    )
    const statuses = filings.map((r) => r.status).sort()
    expect(statuses).toEqual([201, ...Array(29).fill(409)])
  })

  it('stop, all of them, on SIGTERM, leaving one audit chain that verifies against its checkpoints', async () => {
    expect(await server.stop()).toBe(0)
    for (const pid of workers) expect(() => process.kill(pid, 0), `worker ${pid} still runs`).toThrow()
    expect(server.errors()).toBe('')
    const files = serverFiles(dir)
    const handle = openDatabase(files.DATABASE_URL)
    const { key } = loadAuditKey({ file: files.AUDIT_KEY_FILE, create: false })
    const { checkpoints } = await readAuditCheckpoints(files.AUDIT_CHECKPOINT_FILE)
    const chain = await verifyAuditChain(handle.db, key, { checkpoints })
    await handle.close()
    expect(chain.ok, chain.message).toBe(true)
    expect(chain.checked, 'two sign-ins and a filing at least').toBeGreaterThanOrEqual(3)
  })
})
