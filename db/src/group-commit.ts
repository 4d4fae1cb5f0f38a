import type SQLite from 'better-sqlite3'
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely'

/**
 * Group commit for SQLite (docs/decisions/0017-group-commit.md). An acknowledged write is durable (synchronous = FULL),
 * and SQLite makes a commit durable with an fsync that blocks the one thread for a millisecond or more; one commit per
 * request made that the limit of every audited request. Here the transactions of many requests share one commit:
 *
 * - A transaction runs inside the open *batch* (one SQLite transaction, `begin immediate`) as a savepoint of its own.
 *   Its end releases the savepoint, lets the next request have the connection, and waits: it returns only once the batch
 *   that holds it has committed. Rolling back undoes that savepoint alone, and also answers once the batch has
 *   committed (a refusal may rest on others' writes read in it), or fails with it.
 * - The batch commits once the event loop has run the I/O callbacks of its turn (every request whose bytes arrived
 *   together) and the requests waiting for the connection have had it (the commit takes its place in the queue); those
 *   that come later make the next batch. Under load a batch holds as many transactions as arrived during the last
 *   commit; alone, a transaction commits in the same turn of the event loop.
 * - A query outside a transaction never reads what is not yet committed: it waits for the open batch, and if another
 *   has opened meanwhile, commits it first. So nothing a response shows can be lost by a crash.
 * - If the batch cannot commit, or SQLite rolls it back whole (disk full, I/O error), every transaction in it fails,
 *   and none of them has been acknowledged.
 */
/** prepared statements kept (queries built with values inlined would otherwise grow the cache without end) */
const STATEMENTS = 500

export class GroupCommitDriver implements Driver {
  readonly sqlite: SQLite.Database
  readonly #queue = new FifoLock()
  #batch: Batch | null = null
  #flushQueued = false
  readonly #statements = new Map<string, SQLite.Statement>()

  constructor(sqlite: SQLite.Database) {
    this.sqlite = sqlite
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this)
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as Lease).begin()
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as Lease).commit()
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as Lease).rollback()
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    ;(connection as Lease).release()
  }

  async destroy(): Promise<void> {
    await this.#queue.lock()
    try {
      this.commitBatch()
    } finally {
      this.#queue.unlock()
      this.sqlite.close()
    }
  }

  /**
   * A prepared statement for this SQL, kept for the next time: the same few dozen statements serve every request, and
   * preparing one costs more than running it. The least recently used go past STATEMENTS kept.
   */
  statement(source: string): SQLite.Statement {
    let statement = this.#statements.get(source)
    if (statement) this.#statements.delete(source)
    else statement = this.sqlite.prepare(source)
    this.#statements.set(source, statement)
    if (this.#statements.size > STATEMENTS) this.#statements.delete(this.#statements.keys().next().value!)
    return statement
  }

  lock = () => this.#queue.lock()
  unlock = () => this.#queue.unlock()

  /** The open batch, or a new one begun (the caller holds the connection). */
  async joinBatch(): Promise<Batch> {
    if (this.#batch && !this.sqlite.inTransaction) this.failBatch(new Error('SQLite rolled back the transaction batch'))
    // A batch whose commit and rollback both failed is still open in SQLite, settled as failed: undo it before the next.
    if (!this.#batch && this.sqlite.inTransaction) this.sqlite.exec('rollback')
    if (!this.#batch) {
      await this.#takeWriteLock()
      this.#batch = new Batch()
    }
    return this.#batch
  }

  /**
   * `begin immediate`: takes the file's write lock. Another process may hold it (a worker, the process that keeps the
   * scheduled work, a script): SQLite's own wait for it (busy_timeout) sleeps the one thread, so every request of this
   * process stood still and, woken late by its growing sleeps, the lock lay idle (docs/decisions/0018). Here the wait is
   * the event loop's: the lock is tried again every millisecond or so until the connection's busy_timeout has passed,
   * and meanwhile this process goes on receiving requests, which the batch then takes together.
   */
  async #takeWriteLock(): Promise<void> {
    const timeout = Number(this.sqlite.pragma('busy_timeout', { simple: true }))
    const until = performance.now() + timeout
    this.sqlite.pragma('busy_timeout = 0')
    try {
      for (;;) {
        try {
          this.sqlite.exec('begin immediate')
          return
        } catch (e) {
          if (!(e as { code?: string }).code?.startsWith('SQLITE_BUSY') || performance.now() >= until) throw e
        }
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
    } finally {
      this.sqlite.pragma(`busy_timeout = ${timeout}`)
    }
  }

  get openBatch(): Batch | null {
    return this.#batch
  }

  /** Commits the open batch now (the caller holds the connection) and settles its transactions. */
  commitBatch(): void {
    const batch = this.#batch
    if (!batch) return
    this.#batch = null
    try {
      if (!this.sqlite.inTransaction) throw new Error('SQLite rolled back the transaction batch')
      this.sqlite.exec('commit')
      batch.settle()
    } catch (e) {
      // Settled whatever the rollback does: if it fails too, the next batch undoes what is left (joinBatch).
      batch.settle(e)
      try {
        if (this.sqlite.inTransaction) this.sqlite.exec('rollback')
      } catch {}
    }
  }

  failBatch(error: unknown): void {
    const batch = this.#batch
    this.#batch = null
    batch?.settle(error)
  }

  /**
   * Commits the open batch once the requests of this turn of the event loop have had the connection: after the I/O
   * callbacks (setImmediate), then behind those already waiting for it. A request runs on SQLite without yielding to the
   * event loop, so committing any sooner (on the next microtask) would commit each transaction alone.
   */
  scheduleCommit(): void {
    if (this.#flushQueued) return
    this.#flushQueued = true
    setImmediate(() => {
      void this.#queue.lock().then(() => {
        this.#flushQueued = false
        try {
          this.commitBatch()
        } finally {
          this.#queue.unlock()
        }
      })
    })
  }
}

/** The SQLite dialect of Kysely on a group-committing driver. */
export class GroupCommitDialect extends SqliteDialect {
  readonly #sqlite: SQLite.Database
  constructor(config: SqliteDialectConfig & { database: SQLite.Database }) {
    super(config)
    this.#sqlite = config.database
  }
  override createDriver(): Driver {
    return new GroupCommitDriver(this.#sqlite)
  }
}

/** One commit shared by many transactions, awaited by each of them. */
class Batch {
  readonly done: Promise<void>
  #settle!: (error?: unknown) => void
  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error))
    })
    // Awaited by those it concerns; a batch that fails with no one waiting is not an unhandled rejection.
    this.done.catch(() => {})
  }
  settle(error?: unknown) {
    this.#settle(error)
  }
}

/** What Kysely holds for a query or a transaction: the connection, taken when first used. */
class Lease implements DatabaseConnection {
  readonly #driver: GroupCommitDriver
  #locked = false
  #batch: Batch | null = null
  /** Once a transaction, never anything else: a query still queued when it ended must not run outside it, committed alone. */
  #transaction = false

  constructor(driver: GroupCommitDriver) {
    this.#driver = driver
  }

  async begin(): Promise<void> {
    // Kysely's db.connection() holds the lock outside a batch; waiting for it here would wait for ever.
    if (this.#locked) throw new Error('A transaction cannot begin on a connection held outside a transaction (db.connection())')
    this.#transaction = true
    await this.#driver.lock()
    this.#locked = true
    this.#batch = await this.#driver.joinBatch()
    this.#driver.sqlite.exec('savepoint verity_transaction')
  }

  async commit(): Promise<void> {
    const batch = this.#batch!
    this.#driver.sqlite.exec('release verity_transaction')
    this.#batch = null
    this.release()
    this.#driver.scheduleCommit()
    await batch.done
  }

  /**
   * Undoes this transaction alone, and answers once its batch has committed: what it read, and refused on, may be
   * others' writes in that batch, which are not on file yet; if the batch fails, so does this (with the batch's error).
   */
  async rollback(): Promise<void> {
    const batch = this.#batch
    if (!batch) return
    if (!this.#undo()) return
    this.release()
    await batch.done
  }

  /**
   * Rolls back this savepoint; false if the whole batch went with it: some faults (a full disk, an I/O error) make
   * SQLite roll back the whole batch, and if the savepoint cannot be undone alone, the batch is rolled back here, so
   * that its commit cannot take this transaction's writes along.
   */
  #undo(): boolean {
    if (!this.#batch) return true
    this.#batch = null
    const { sqlite } = this.#driver
    try {
      sqlite.exec('rollback to verity_transaction')
      sqlite.exec('release verity_transaction')
      return true
    } catch (e) {
      try {
        if (sqlite.inTransaction) sqlite.exec('rollback')
      } catch {}
      this.#driver.failBatch(new Error('SQLite rolled back the transaction batch', { cause: e }))
      return false
    }
  }

  release(): void {
    if (!this.#locked) return
    this.#locked = false
    if (this.#batch) this.#undo()
    this.#driver.unlock()
    if (this.#driver.openBatch) this.#driver.scheduleCommit()
  }

  /** Refuses a query that would run outside its transaction: after it ended, or after SQLite rolled back its batch. */
  #checkTransaction(): void {
    if (!this.#transaction) return
    if (!this.#locked) throw new Error('The transaction has ended')
    if (this.#batch && !this.#driver.sqlite.inTransaction) {
      this.#driver.failBatch(new Error('SQLite rolled back the transaction batch'))
      throw new Error('SQLite rolled back the transaction batch')
    }
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    this.#checkTransaction()
    if (!this.#locked) await this.#lockOutsideBatch()
    const statement = this.#driver.statement(compiledQuery.sql)
    const parameters = compiledQuery.parameters as unknown[]
    if (statement.reader) return { rows: statement.all(parameters) as R[] }
    const { changes, lastInsertRowid } = statement.run(parameters)
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) throw new Error('Only select queries can be streamed')
    this.#checkTransaction()
    if (!this.#locked) await this.#lockOutsideBatch()
    for (const row of this.#driver.sqlite.prepare(compiledQuery.sql).iterate(compiledQuery.parameters as unknown[]))
      yield { rows: [row as R] }
  }

  /** A query outside a transaction: after the open batch has committed, and never inside one. */
  async #lockOutsideBatch(): Promise<void> {
    await this.#driver.openBatch?.done.catch(() => {})
    await this.#driver.lock()
    this.#locked = true
    this.#driver.commitBatch()
  }
}

/** First come, first served: the commit takes its place behind those already waiting. */
class FifoLock {
  #held = false
  readonly #waiting: (() => void)[] = []
  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiting.push(resolve))
  }
  unlock(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#held = false
  }
}
