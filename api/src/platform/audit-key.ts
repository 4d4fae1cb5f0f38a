import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Where the server keeps the audit chain's key unless AUDIT_KEY or AUDIT_KEY_FILE says otherwise (relative to the working directory). */
export const DEFAULT_AUDIT_KEY_FILE = 'data/audit.key'
/** HMAC-SHA-256 gains nothing from a longer key and loses strength with a shorter one. */
export const AUDIT_KEY_MIN_BYTES = 32

const HEX = /^(?:[0-9a-f]{2})+$/i
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

/** Reads a key written as hex or base64 (standard or URL-safe); null when it is neither or shorter than 32 bytes. */
export function parseAuditKey(text: string): Uint8Array | null {
  const s = text.trim()
  // 64 hex digits would also pass as base64: hex wins, as it is what the key file holds.
  const bytes = HEX.test(s) ? Buffer.from(s, 'hex') : BASE64.test(s) ? Buffer.from(s, 'base64') : null
  return bytes && bytes.length >= AUDIT_KEY_MIN_BYTES ? new Uint8Array(bytes) : null
}

export interface AuditKeySource {
  /** AUDIT_KEY, already parsed by env.ts */
  key?: Uint8Array
  /** AUDIT_KEY_FILE, or its default */
  file?: string
  /** make a new key when the file does not exist: the server does, `npm run audit:verify` must not */
  create: boolean
  log?: (line: string) => void
}

export interface LoadedAuditKey {
  key: Uint8Array
  /** 'AUDIT_KEY', or the absolute path of the key file */
  source: string
  created: boolean
}

/**
 * The key of the audit chain's HMAC, from AUDIT_KEY or else the key file. The server creates the file on first start
 * (32 random bytes as hex, mode 0600); a file that exists but cannot be read, is too short or is open to group or others
 * stops it with a message saying what to do. The key never goes into the database: whoever can write the table must not
 * be able to re-hash the chain (docs/decisions/0003-audit-hash-chain.md).
 */
export function loadAuditKey({ key, file = DEFAULT_AUDIT_KEY_FILE, create, log = console.log }: AuditKeySource): LoadedAuditKey {
  if (key) return { key, source: 'AUDIT_KEY', created: false }
  const absolute = path.resolve(file)
  const existing = readKeyFile(absolute)
  if (existing) return { key: existing, source: absolute, created: false }
  if (!create) throw new Error(missingKeyMessage(absolute))
  const created = createKeyFile(absolute)
  if (!created) return { key: readKeyFile(absolute)!, source: absolute, created: false } // another process made it first
  log(
    `Created the audit key in ${absolute} (mode 0600). Back it up apart from the database: see "The audit key and checkpoints" in README.md.`,
  )
  return { key: created, source: absolute, created: true }
}

export function missingKeyMessage(absolute: string): string {
  return [
    `No audit key: ${absolute} does not exist, and AUDIT_KEY is not set.`,
    'The audit chain is keyed (HMAC-SHA-256) and cannot be checked without the key the server wrote it with. Give it as',
    '  AUDIT_KEY=<the key as hex or base64, at least 32 bytes>',
    'or point AUDIT_KEY_FILE at the key file the server created at its first start (default data/audit.key, relative to the',
    'working directory the server ran in).',
  ].join('\n')
}

/** The key in the file, null when there is no file; throws, naming the file and the fix, when it is unsafe or unusable. */
function readKeyFile(absolute: string): Uint8Array | null {
  let stat: fs.Stats
  try {
    stat = fs.statSync(absolute)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`The audit key file ${absolute} cannot be examined (${(e as NodeJS.ErrnoException).code}).`)
  }
  if (!stat.isFile()) throw new Error(`The audit key file ${absolute} is not a regular file.`)
  // POSIX modes only: on Windows the file's ACL is what protects it.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0')
    throw new Error(
      `The audit key file ${absolute} is open to group or others (mode ${mode}): anyone who can read it can forge the audit log. ` +
        `Restrict it with \`chmod 600 ${absolute}\`, and if others may have read it, treat the log's entries since then as unproven.`,
    )
  }
  let text: string
  try {
    text = fs.readFileSync(absolute, 'utf8')
  } catch (e) {
    throw new Error(
      `The audit key file ${absolute} cannot be read (${(e as NodeJS.ErrnoException).code}): run the server as the user that owns it.`,
    )
  }
  const key = parseAuditKey(text)
  if (!key) {
    throw new Error(
      `The audit key file ${absolute} does not hold a key of at least ${AUDIT_KEY_MIN_BYTES} bytes as hex or base64. ` +
        'Restore it from your backup; a new key cannot verify the entries written under the old one.',
    )
  }
  return key
}

/** Writes a fresh key, durably, without ever replacing a file; null when the file appeared meanwhile. */
function createKeyFile(absolute: string): Uint8Array | null {
  fs.mkdirSync(path.dirname(absolute), { recursive: true, mode: 0o700 })
  const key = new Uint8Array(randomBytes(AUDIT_KEY_MIN_BYTES))
  let fd: number
  try {
    fd = fs.openSync(absolute, 'wx', 0o600)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return null
    throw new Error(`Cannot create the audit key file ${absolute} (${(e as NodeJS.ErrnoException).code}).`)
  }
  try {
    fs.writeSync(fd, `${Buffer.from(key).toString('hex')}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fsyncDirectory(path.dirname(absolute))
  return key
}

/** Makes a new file's directory entry durable too (POSIX); a no-op where directories cannot be opened. */
export function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}
