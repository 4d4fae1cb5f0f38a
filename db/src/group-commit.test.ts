import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from './dialect.js'

let dir: string
let handle: DatabaseHandle
/** A second connection, as another process would read the file: it sees only what is committed. */
let outside: SQLite.Database
let commits: number
let failNextCommit: boolean

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-group-commit-'))
  handle = openDatabase(path.join(dir, 'db.sqlite'))
  await sql`create table notes (id integer primary key, body text not null unique)`.execute(handle.db)
  outside = new SQLite(path.join(dir, 'db.sqlite'), { readonly: true })
  commits = 0
  failNextCommit = false
  const sqlite = handle.sqlite!
  const exec = sqlite.exec.bind(sqlite)
  sqlite.exec = (source: string) => {
    if (source === 'commit') {
      commits++
      if (failNextCommit) {
        failNextCommit = false
        throw new Error('disk I/O error (injected)')
      }
    }
    return exec(source)
  }
})
afterEach(async () => {
  outside.close()
  await handle.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const committed = (body: string) => outside.prepare('select count(*) as n from notes where body = ?').get(body) as { n: number }
const insert = (body: string) =>
  handle.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('notes' as never)
      .values({ body } as never)
      .execute()
    return body
  })

describe('group commit', () => {
  it('makes thirty parallel transactions durable with a few commits, each answering only once its own is on file', async () => {
    const seen = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const body = await insert(`note ${i}`)
        return committed(body).n
      }),
    )
    expect(seen).toEqual(Array(30).fill(1))
    expect(commits).toBeGreaterThan(0)
    expect(commits).toBeLessThan(10)
  })

  it('rolls back one transaction of a batch alone', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        handle.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('notes' as never)
            .values({ body: `kept ${i}` } as never)
            .execute()
          if (i % 2) throw new Error(`refused ${i}`)
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? 'rejected' : 'fulfilled')))
    const bodies = (outside.prepare('select body from notes order by id').all() as { body: string }[]).map((r) => r.body)
    expect(bodies).toEqual(['kept 0', 'kept 2', 'kept 4', 'kept 6', 'kept 8'])
  })

  it('a failed statement undoes only its own transaction, and the batch goes on', async () => {
    await insert('taken')
    const results = await Promise.allSettled([insert('a'), insert('taken'), insert('b')])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect([committed('a').n, committed('b').n]).toEqual([1, 1])
  })

  it('when the commit fails, every transaction in the batch fails and none of them is on file', async () => {
    await insert('before')
    failNextCommit = true
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => insert(`lost ${i}`)))
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(outside.prepare("select count(*) as n from notes where body like 'lost %'").get()).toEqual({ n: 0 })
    // and the database goes on
    await insert('after')
    expect(committed('after').n).toBe(1)
  })

  it('a read outside a transaction answers only what is committed', async () => {
    const writing = insert('pending')
    // Asked while the write waits for its batch to commit: the read waits for it too, and then sees it on file.
    const read = handle.db
      .selectFrom('notes' as never)
      .select('body' as never)
      .execute()
    const rows = (await read) as { body: string }[]
    expect(committed('pending').n).toBe(1)
    expect(rows.map((r) => r.body)).toEqual(['pending'])
    await writing
  })

  it('runs what cannot run inside a transaction (a checkpoint, VACUUM) outside the batch', async () => {
    await Promise.all([insert('x'), insert('y'), sql`vacuum`.execute(handle.db), insert('z')])
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db)
    expect(rows[0]!.busy).toBe(0)
    expect(['x', 'y', 'z'].map((b) => committed(b).n)).toEqual([1, 1, 1])
  })
})
