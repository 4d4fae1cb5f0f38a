import fs from 'node:fs'
import path from 'node:path'
import { type Database, isPostgresUrl } from '@verity/db'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { auditHash } from './audit.js'
import { fsyncDirectory } from './audit-key.js'

/**
 * Where the chain's head is appended unless AUDIT_CHECKPOINT_FILE says otherwise: one file per database, so that a
 * scratch database never writes into the checkpoints of another. Beside a SQLite file (`data/verity.sqlite` →
 * `data/verity.sqlite.audit-checkpoints.jsonl`); for PostgreSQL, in `data/` under the server's and database's name.
 */
export function defaultAuditCheckpointFile(databaseUrl: string): string {
  if (!isPostgresUrl(databaseUrl)) return `${databaseUrl}.audit-checkpoints.jsonl`
  const url = new URL(databaseUrl)
  const name = `${url.hostname}-${url.port || '5432'}-${url.pathname.replace(/^\//, '')}`.replace(/[^A-Za-z0-9_.-]/g, '_')
  return path.join('data', `audit-checkpoints-${name}.jsonl`)
}

const Checkpoint = z.object({
  id: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().min(1),
  count: z.number().int().positive(),
})

/** The chain's head as the server saw it at `at`: the last entry's id and hash, and how many entries there were up to it. */
export type AuditCheckpoint = z.infer<typeof Checkpoint>

function parseLine(line: string): AuditCheckpoint | null {
  try {
    const parsed = Checkpoint.safeParse(JSON.parse(line))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Every checkpoint in the file, oldest first, and how many lines were not checkpoints (a line torn by a crash).
 * A missing file is no checkpoints; any other failure to read it throws.
 */
export async function readAuditCheckpoints(file: string): Promise<{ checkpoints: AuditCheckpoint[]; malformed: number }> {
  let text: string
  try {
    text = await fs.promises.readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], malformed: 0 }
    throw new Error(`The audit checkpoint file ${path.resolve(file)} cannot be read (${(e as NodeJS.ErrnoException).code}).`)
  }
  const checkpoints: AuditCheckpoint[] = []
  let malformed = 0
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const checkpoint = parseLine(line)
    if (checkpoint) checkpoints.push(checkpoint)
    else malformed++
  }
  return { checkpoints, malformed }
}

/** The newest checkpoint, read from the end of the file (which grows by a line a minute while the log does). */
async function readLastCheckpoint(file: string): Promise<AuditCheckpoint | null> {
  let fh: fs.promises.FileHandle
  try {
    fh = await fs.promises.open(file, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  try {
    const { size } = await fh.stat()
    const length = Math.min(size, 64 * 1024)
    const { buffer } = await fh.read(Buffer.alloc(length), 0, length, size - length)
    const lines = buffer.toString('utf8').split('\n')
    for (let i = lines.length - 1; i >= 0; i--) {
      const checkpoint = parseLine(lines[i]!)
      if (checkpoint) return checkpoint
    }
    return null
  } finally {
    await fh.close()
  }
}

export interface AuditCheckpoints {
  /** writes a checkpoint now if the head moved since the last one; never throws */
  write(): Promise<void>
  /** stops the timer and writes the last checkpoint; call it before closing the database */
  stop(): Promise<void>
}

export interface AuditCheckpointOptions {
  file: string
  /** the chain's key, to check at start that the log's last entry was written under it */
  key: Uint8Array
  intervalMs?: number
  now?: () => Date
  log?: Pick<Console, 'log' | 'error'>
}

/**
 * Appends the chain's head to a file outside the database at start, every minute while it moves, and at `stop()`.
 * `npm run audit:verify` compares the log with these lines: a tail cut off, or a chain re-hashed after a checkpoint, no
 * longer matches (docs/decisions/0003-audit-hash-chain.md). Failing to write one is logged, never thrown: a full disk must
 * not take the back office down.
 */
export async function startAuditCheckpoints(
  db: Kysely<Database>,
  { file, key, intervalMs = 60_000, now = () => new Date(), log = console }: AuditCheckpointOptions,
): Promise<AuditCheckpoints> {
  const absolute = path.resolve(file)
  let last: AuditCheckpoint | null = null
  let queue: Promise<void> = Promise.resolve()

  async function writeCheckpoint() {
    const head = await db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst()
    if (!head || (last && head.id === last.id && head.hash === last.hash)) return
    // Counting only what was added since the last checkpoint keeps this cheap on a long log. If entries before it were
    // deleted meanwhile, the count stays what it should be, and audit:verify notices the difference.
    const since = last && head.id > last.id ? last : null
    if (last && !since)
      log.error(`Audit log: its last entry is now #${head.id}, but the last checkpoint named #${last.id}. Run npm run audit:verify.`)
    const counted = await db
      .selectFrom('audit_log as a')
      .select((eb) => [
        'a.id',
        'a.hash',
        eb
          .selectFrom('audit_log as b')
          .select((e) => e.fn.countAll().as('n'))
          .whereRef('b.id', '<=', 'a.id')
          .where('b.id', '>', since?.id ?? 0)
          .as('n'),
      ])
      .orderBy('a.id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
    const checkpoint = { id: counted.id, hash: counted.hash, at: now().toISOString(), count: (since?.count ?? 0) + Number(counted.n) }
    await appendLine(absolute, `${JSON.stringify(checkpoint)}\n`)
    last = checkpoint
  }

  function write(): Promise<void> {
    queue = queue.then(writeCheckpoint).catch((e: unknown) => {
      log.error(`Audit checkpoint not written to ${absolute}: ${e instanceof Error ? e.message : String(e)}`)
    })
    return queue
  }

  try {
    const previous = await readLastCheckpoint(absolute)
    // Carry on from the file's last checkpoint when the log still agrees with it: no duplicate line after a quiet restart.
    if (await checkAtStart(db, key, previous, log)) last = previous
  } catch (e) {
    log.error(`Audit log not checked against ${absolute} at start: ${e instanceof Error ? e.message : String(e)}`)
  }
  await write()
  const timer = setInterval(() => void write(), intervalMs)
  timer.unref()

  return {
    write,
    async stop() {
      clearInterval(timer)
      await write()
    },
  }
}

/**
 * Two cheap look-ups that catch, at start, what happened while the server was down (audit:verify does the full check).
 * Answers whether the log still holds the checkpoint's entry as it was.
 */
async function checkAtStart(db: Kysely<Database>, key: Uint8Array, checkpoint: AuditCheckpoint | null, log: Pick<Console, 'error'>) {
  let holds = false
  if (checkpoint) {
    const named = await db.selectFrom('audit_log').select('hash').where('id', '=', checkpoint.id).executeTakeFirst()
    if (!named || named.hash !== checkpoint.hash) {
      const what = named ? `holds a different hash at #${checkpoint.id}` : `no longer holds #${checkpoint.id}`
      log.error(`Audit log ${what}, named by the checkpoint of ${checkpoint.at}: it was cut or re-hashed. Run npm run audit:verify.`)
    } else holds = true
  }
  const head = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()
  if (head) {
    const { id, hash, ...rest } = head
    if (auditHash(key, rest) !== hash) {
      log.error(
        `Audit log: its last entry #${id} does not verify under this audit key. If the key is not the one the log was written ` +
          'with, stop and restore it from your backup: entries written now will not link to a verifiable chain. Run npm run audit:verify.',
      )
    }
  }
  return holds
}

/** One line, appended and flushed to disk before the promise settles; a new file is created 0600. */
async function appendLine(absolute: string, line: string) {
  const isNew = !fs.existsSync(absolute)
  if (isNew) await fs.promises.mkdir(path.dirname(absolute), { recursive: true, mode: 0o700 })
  const fh = await fs.promises.open(absolute, 'a', 0o600)
  try {
    await fh.write(line)
    await fh.sync()
  } finally {
    await fh.close()
  }
  if (isNew) fsyncDirectory(path.dirname(absolute))
}
