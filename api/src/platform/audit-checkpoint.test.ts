import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { unguardAuditLog } from '@verity/db/testing'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestApp, TEST_AUDIT_KEY } from '../testing.js'
import { readAuditCheckpoints, startAuditCheckpoints } from './audit-checkpoint.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let dir: string
let file: string
beforeEach(async () => {
  t = await createTestApp()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-checkpoints-'))
  file = path.join(dir, 'data', 'audit-checkpoints.jsonl')
})
afterEach(async () => {
  await t.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const log = () => ({ log: vi.fn(), error: vi.fn() })
const head = () => t.db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').executeTakeFirstOrThrow()
const count = async () => (await t.db.selectFrom('audit_log').select('id').execute()).length
const lines = async () => (await readAuditCheckpoints(file)).checkpoints

describe('audit checkpoints', () => {
  it('write the head at start into a new 0600 file, then only when it moved, and at stop', async () => {
    const at = new Date('2026-12-01T10:00:00.000Z')
    const checkpoints = await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, now: () => at, log: log() })
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(await lines()).toEqual([{ ...(await head()), at: at.toISOString(), count: await count() }])
    await checkpoints.write()
    expect(await lines()).toHaveLength(1)
    await t.login('agent')
    await t.login('admin')
    await checkpoints.stop()
    const written = await lines()
    expect(written).toHaveLength(2)
    expect(written[1]).toEqual({ ...(await head()), at: at.toISOString(), count: await count() })
  })

  it('write every interval while the log grows', async () => {
    const checkpoints = await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, intervalMs: 20, log: log() })
    await t.login('agent')
    await vi.waitFor(async () => expect((await lines()).at(-1)?.id).toBe((await head()).id))
    await checkpoints.stop()
  })

  it('carry on from the file after a restart: no duplicate line, and the count goes on', async () => {
    await (await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: log() })).stop()
    const before = await count()
    await (await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: log() })).stop()
    expect(await lines()).toHaveLength(1)
    await t.login('agent')
    await (await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: log() })).stop()
    expect((await lines()).map((c) => c.count)).toEqual([before, await count()])
  })

  it('say at start that the log was cut while the server was down, or that the key is not the log’s', async () => {
    await (await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: log() })).stop()
    const { id } = await head()
    await unguardAuditLog(t.handle)
    await sql`delete from audit_log where id = ${id}`.execute(t.db)
    const cut = log()
    await (await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: cut })).stop()
    expect(cut.error).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`no longer holds #${id}, named by the checkpoint of`)))
    const wrongKey = log()
    await (await startAuditCheckpoints(t.db, { file, key: new Uint8Array(32), log: wrongKey })).stop()
    expect(wrongKey.error).toHaveBeenCalledWith(expect.stringMatching(/does not verify under this audit key/))
  })

  it('never throw when the file cannot be written: they log and the server carries on', async () => {
    fs.writeFileSync(path.join(dir, 'data'), 'a file where the directory should be')
    const failing = log()
    const checkpoints = await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: failing })
    await t.login('agent')
    await expect(checkpoints.write()).resolves.toBeUndefined()
    await expect(checkpoints.stop()).resolves.toBeUndefined()
    expect(failing.error).toHaveBeenCalledWith(expect.stringMatching(/Audit checkpoint not written to .*(ENOTDIR|EEXIST)/))
  })

  it('are read back skipping a torn line', async () => {
    await (await startAuditCheckpoints(t.db, { file, key: TEST_AUDIT_KEY, log: log() })).stop()
    fs.appendFileSync(file, '{"id":12,"hash":"ab')
    expect(await readAuditCheckpoints(file)).toMatchObject({ checkpoints: [{ id: (await head()).id }], malformed: 1 })
    expect(await readAuditCheckpoints(path.join(dir, 'none.jsonl'))).toEqual({ checkpoints: [], malformed: 0 })
  })
})
