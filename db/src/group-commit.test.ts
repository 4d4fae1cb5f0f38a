import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { type KyselyPlugin, sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from './dialect.js'

let dir: string
let handle: DatabaseHandle
/** A second connection, as another process would read the file: it sees only what is committed. */
let outside: SQLite.Database
let commits: number
/** every statement run through exec, in order (begin, savepoints, commit) */
let execs: string[]
let failNextCommit: boolean

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-group-commit-'))
  handle = openDatabase(path.join(dir, 'db.sqlite'))
  await sql`create table notes (id integer primary key, body text not null unique)`.execute(handle.db)
  outside = new SQLite(path.join(dir, 'db.sqlite'), { readonly: true })
  commits = 0
  execs = []
  failNextCommit = false
  const sqlite = handle.sqlite!
  const exec = sqlite.exec.bind(sqlite)
  sqlite.exec = (source: string) => {
    execs.push(source)
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
  await handle.close() // a second close, after a test closed it, does nothing
  fs.rmSync(dir, { recursive: true, force: true })
})

const onFile = () => (outside.prepare('select count(*) as n from notes').get() as { n: number }).n
const settle = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms))])
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

  it('transactions begun from separate callbacks of one turn of the event loop, as requests arrive, share a commit', async () => {
    // Each request runs on SQLite without yielding to the event loop: a commit on the next microtask would be one per request.
    const seen = await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) => new Promise<number>((resolve) => setTimeout(() => void insert(`request ${i}`).then((b) => resolve(committed(b).n)), 0)),
      ),
    )
    expect(seen).toEqual(Array(30).fill(1))
    expect(commits).toBeLessThanOrEqual(2)
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

  it('refuses a transaction on a connection it holds (db.connection(), as Kysely runs migrations) at once, and goes on', async () => {
    const held = handle.db.connection().execute(async (c) => {
      await c
        .selectFrom('notes' as never)
        .selectAll()
        .execute()
      await c.transaction().execute(() => Promise.resolve())
    })
    await expect(settle(held, 2_000, 'the transaction')).rejects.toThrow(/held outside a transaction/)
    await insert('after')
    expect(committed('after').n).toBe(1)
  })
})

describe('group commit, attacked', () => {
  it('a transaction that fails while Promise.all still has queries queued leaves none of them on file', async () => {
    await insert('taken')
    let siblings: Promise<unknown>[] = []
    const failing = handle.db.transaction().execute(async (trx) => {
      const add = (body: string) =>
        trx
          .insertInto('notes' as never)
          .values({ body } as never)
          .execute()
      const first = add('taken')
      siblings = [add('sibling 1'), add('sibling 2'), add('sibling 3')]
      await Promise.all([first, ...siblings])
    })
    await expect(failing).rejects.toThrow()
    await Promise.allSettled(siblings)
    await insert('after')
    expect(['sibling 1', 'sibling 2', 'sibling 3'].map((b) => committed(b).n)).toEqual([0, 0, 0])
  })

  it('a query a transaction leaves behind never runs outside it, even after its batch failed', async () => {
    await insert('before')
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    let late: Promise<unknown> | undefined
    let lateTrx!: Parameters<Parameters<ReturnType<typeof handle.db.transaction>['execute']>[0]>[0]
    const first = handle.db.transaction().execute(async (trx) => {
      lateTrx = trx
      await trx
        .insertInto('notes' as never)
        .values({ body: 'first' } as never)
        .execute()
    })
    // holds the connection next, so the batch of the first waits for it
    const holder = handle.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notes' as never)
        .values({ body: 'holder' } as never)
        .execute()
      // the first has ended its part and waits for the commit; a query of its own comes late
      late = lateTrx
        .insertInto('notes' as never)
        .values({ body: 'late' } as never)
        .execute()
      late.catch(() => {})
      await gate
    })
    failNextCommit = true
    open()
    const results = await Promise.allSettled([first, holder])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    await Promise.allSettled([late])
    await insert('after')
    expect([committed('first').n, committed('holder').n, committed('late').n]).toEqual([0, 0, 0])
  })

  it('a refusal read from a batch that then fails is not answered: the transaction fails with the batch', async () => {
    await insert('before')
    failNextCommit = true
    const results = await Promise.allSettled([
      insert('claimed'),
      handle.db.transaction().execute(async (trx) => {
        const found = await trx
          .selectFrom('notes' as never)
          .select('body' as never)
          .where('body' as never, '=', 'claimed' as never)
          .execute()
        if (found.length) throw new Error('already claimed')
      }),
    ])
    expect(committed('claimed').n).toBe(0)
    expect(results[0]!.status).toBe('rejected')
    expect(results[1]!.status).toBe('rejected')
    expect(String((results[1] as PromiseRejectedResult).reason)).not.toContain('already claimed')
  })

  it('when the commit and then the rollback fail, every transaction in the batch fails (none waits for ever) and the database goes on', async () => {
    await insert('before')
    failNextCommit = true
    const sqlite = handle.sqlite!
    const exec = sqlite.exec
    let failRollback = true
    sqlite.exec = (source: string) => {
      if (source === 'rollback' && failRollback) {
        failRollback = false
        throw new Error('disk I/O error on rollback (injected)')
      }
      return exec(source)
    }
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => insert(`lost ${i}`)))
    expect(results.map((r) => r.status)).toEqual(Array(4).fill('rejected'))
    await insert('after')
    expect(committed('after').n).toBe(1)
    expect(outside.prepare("select count(*) as n from notes where body like 'lost %'").get()).toEqual({ n: 0 })
  })

  it('after SQLite rolls back the whole batch (ON CONFLICT ROLLBACK), a transaction that carries on writes nothing outside it, and no other is acknowledged', async () => {
    const results = await Promise.allSettled([
      insert('first'),
      handle.db.transaction().execute(async (trx) => {
        await sql`insert or rollback into notes (body) values ('first')`.execute(trx).catch(() => {})
        await trx
          .insertInto('notes' as never)
          .values({ body: 'carried on' } as never)
          .execute()
      }),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect([committed('first').n, committed('carried on').n]).toEqual([0, 0])
    await insert('after')
    expect(committed('after').n).toBe(1)
  })

  it('a raise(rollback) in a trigger fails every transaction of its batch', async () => {
    await sql`create trigger no_forbidden before insert on notes when new.body = 'forbidden' begin select raise(rollback, 'forbidden'); end`.execute(
      handle.db,
    )
    const results = await Promise.allSettled([insert('one'), insert('forbidden'), insert('two')])
    expect(results[1]!.status).toBe('rejected')
    for (const [i, body] of [
      [0, 'one'],
      [2, 'two'],
    ] as const)
      expect(results[i]!.status === 'fulfilled').toBe(committed(body).n === 1)
    expect(committed('forbidden').n).toBe(0)
  })

  it('a kept statement follows a schema change made on the same connection', async () => {
    await insert('a')
    const all = async () => (await sql`select * from notes`.execute(handle.db)).rows
    expect(await all()).toEqual([{ id: 1, body: 'a' }])
    await sql`alter table notes add column extra text default 'x'`.execute(handle.db)
    expect(await all()).toEqual([{ id: 1, body: 'a', extra: 'x' }])
    await sql`drop table notes`.execute(handle.db)
    await sql`create table notes (other text)`.execute(handle.db)
    await sql`insert into notes (other) values ('o')`.execute(handle.db)
    expect(await all()).toEqual([{ other: 'o' }])
  })

  it('close() while transactions wait hangs none of them, and every acknowledged one is on file', async () => {
    const writes = Array.from({ length: 10 }, (_, i) => insert(`closing ${i}`))
    const closing = handle.close()
    const results = await Promise.allSettled(writes)
    await closing
    results.forEach((r, i) => expect(committed(`closing ${i}`).n).toBe(r.status === 'fulfilled' ? 1 : 0))
  })

  it('keeps the last 500 statements, no more: the oldest are prepared anew, the recent are not', async () => {
    const sqlite = handle.sqlite!
    const prepare = sqlite.prepare.bind(sqlite)
    let prepared = 0
    sqlite.prepare = ((source: string) => (prepared++, prepare(source))) as typeof sqlite.prepare
    const run = (i: number) => sql.raw(`select ${i} as n`).execute(handle.db)
    for (let i = 0; i < 1200; i++) await run(i)
    expect(prepared).toBe(1200)
    await run(1199)
    await run(700)
    expect(prepared).toBe(1200)
    await run(699)
    await run(0)
    expect(prepared).toBe(1202)
  })
})

describe('group commit: reads outside a transaction, continuous load, shutdown', () => {
  it('a read outside a transaction, started at any point of a batch, never returns what is not yet on file', async () => {
    const violations: string[] = []
    // checked while the read still holds the connection: nothing can commit between its statement and this check
    const checkAgainstFile: KyselyPlugin = {
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => {
        const seen = Number((result.rows[0] as { n?: number } | undefined)?.n)
        const durable = onFile()
        if (seen > durable) violations.push(`read ${seen} notes, ${durable} on file`)
        return result
      },
    }
    const probe = handle.db.withPlugin(checkAgainstFile)
    const read = () =>
      probe
        .selectFrom('notes' as never)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    const waits: (() => Promise<unknown>)[] = [
      () => Promise.resolve(),
      () => new Promise((r) => queueMicrotask(() => r(null))),
      () => new Promise((r) => process.nextTick(r)),
      () => new Promise((r) => setImmediate(r)),
      () => new Promise((r) => setTimeout(r, 0)),
    ]
    for (let round = 0; round < 40; round++) {
      const writes = Array.from({ length: 3 }, (_, i) => insert(`round ${round} note ${i}`))
      await waits[round % waits.length]!()
      // and reads begun from callbacks of the next turn, as requests arriving meanwhile
      const later = new Promise((r) => setImmediate(() => void read().then(r)))
      await Promise.all([...writes, read(), read(), later])
    }
    expect(violations).toEqual([])
    expect(onFile()).toBe(120)
  })

  it('a read outside a transaction is not starved by a continuous stream of transactions', async () => {
    let stop = false
    let written = 0
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        await insert(`writer ${w} note ${i}`)
        written++
      }
    }
    const writers = Array.from({ length: 6 }, (_, w) => writer(w))
    const latencies: number[] = []
    try {
      await new Promise((r) => setTimeout(r, 30))
      for (let i = 0; i < 8; i++) {
        const started = performance.now()
        await settle(
          handle.db
            .selectFrom('notes' as never)
            .select(sql<number>`count(*)`.as('n'))
            .executeTakeFirstOrThrow(),
          3000,
          'read',
        )
        latencies.push(performance.now() - started)
        await new Promise((r) => setTimeout(r, 15))
      }
    } finally {
      stop = true
      await Promise.all(writers)
    }
    expect(written).toBeGreaterThan(20)
    expect(Math.max(...latencies), latencies.map((l) => l.toFixed(1)).join(' ')).toBeLessThan(1000)
  })

  it('destroy with a commit scheduled: the transactions it holds answer, are on file, and none hangs', async () => {
    const pending = Array.from({ length: 5 }, (_, i) => insert(`before shutdown ${i}`))
    // let all five run and end (microtasks only): their shared commit is scheduled, not yet run
    for (let n = 0; n < 10_000 && execs.filter((s) => s === 'release verity_transaction').length < 5; n++) await Promise.resolve()
    expect(execs.filter((s) => s === 'release verity_transaction')).toHaveLength(5)
    expect(execs).not.toContain('commit')
    await handle.close()
    expect(await settle(Promise.allSettled(pending), 2000, 'transactions ended before destroy')).toEqual(
      Array.from({ length: 5 }, (_, i) => ({ status: 'fulfilled', value: `before shutdown ${i}` })),
    )
    expect(onFile()).toBe(5)
    // a transaction begun after is refused, never left waiting; the scheduled commit's turn passes without an error
    await expect(settle(insert('after shutdown'), 2000, 'transaction after destroy')).rejects.toThrow(/destroyed|not open/)
    await new Promise((r) => setImmediate(r))
    const reopened = new SQLite(path.join(dir, 'db.sqlite'), { readonly: true })
    expect((reopened.prepare('select count(*) as n from notes').get() as { n: number }).n).toBe(5)
    reopened.close()
  })

  it('destroy while a transaction is still working waits for it and commits it', async () => {
    const slow = handle.db.transaction().execute(async (trx) => {
      await new Promise((r) => setTimeout(r, 30))
      await trx
        .insertInto('notes' as never)
        .values({ body: 'slow' } as never)
        .execute()
      return 'slow'
    })
    const quick = insert('quick')
    await new Promise((r) => setTimeout(r, 5))
    await settle(handle.close(), 3000, 'destroy')
    expect(await Promise.allSettled([slow, quick])).toEqual([
      { status: 'fulfilled', value: 'slow' },
      { status: 'fulfilled', value: 'quick' },
    ])
    expect(onFile()).toBe(2)
  })
})

describe('group commit: the write lock held by another process', () => {
  /** A writer on the same file, as another worker process (or a script) is: it holds the write lock for `ms`. */
  const holdingTheLock = async (ms: number) => {
    const other = new SQLite(path.join(dir, 'db.sqlite'))
    other.exec('begin immediate')
    other.prepare('insert into notes (body) values (?)').run('theirs')
    await new Promise((r) => setTimeout(r, ms))
    other.exec('commit')
    other.close()
  }
  /** How often the event loop ran a 5 ms timer during `work`: none means the thread stood still. */
  const ticksDuring = async <T>(work: Promise<T>) => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    try {
      return { result: await work, ticks }
    } finally {
      clearInterval(timer)
    }
  }

  it('waits for it on the event loop, not asleep on the thread: this process goes on meanwhile, and takes it once free', async () => {
    const other = holdingTheLock(150)
    await new Promise((r) => setTimeout(r, 10)) // the other has the lock
    const { result, ticks } = await ticksDuring(settle(insert('ours'), 3_000, 'the transaction'))
    await other
    expect(result).toBe('ours')
    // SQLite's own wait slept the thread: the other's commit, due on this same event loop, never came, and after
    // busy_timeout (5 s) the transaction failed
    expect(ticks).toBeGreaterThan(10)
    expect([committed('theirs').n, committed('ours').n]).toEqual([1, 1])
    // the connection keeps its own wait for what runs outside a transaction (a checkpoint, VACUUM, migrations)
    expect(handle.sqlite!.pragma('busy_timeout', { simple: true })).toBe(5000)
  })

  it("still gives up after the connection's busy_timeout, with SQLite's own error, and keeps that timeout", async () => {
    handle.sqlite!.pragma('busy_timeout = 200')
    const other = holdingTheLock(800)
    await new Promise((r) => setTimeout(r, 10))
    const started = performance.now()
    const { result, ticks } = await ticksDuring(
      insert('too late').then(
        () => 'written',
        (e: { code?: string }) => e.code,
      ),
    )
    const waited = performance.now() - started
    expect(result).toBe('SQLITE_BUSY')
    expect(waited).toBeGreaterThanOrEqual(195)
    expect(waited).toBeLessThan(700)
    expect(ticks).toBeGreaterThan(10)
    expect(handle.sqlite!.pragma('busy_timeout', { simple: true })).toBe(200)
    await other
    // refused and written nowhere; the next transaction takes the free lock
    expect(committed('too late').n).toBe(0)
    await insert('next')
    expect(committed('next').n).toBe(1)
  })
})
