import { type ChildProcess, execFile, spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { type TestResponse, testResponse } from '@verity/api/testing'
import type { Database, StaffRole } from '@verity/db'
import type { Kysely } from 'kysely'
import { ROOT } from './build-console.js'

/** The seeded staff's password on the servers these tests start. */
export const STAFF_PASSWORD = 'Server-process-password-1'

/** A loopback port no one listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/** The files a server keeps in `dir` (database, audit key, checkpoints), as `npm run audit:verify` reads them too. */
export function serverFiles(dir: string) {
  return {
    DATABASE_URL: path.join(dir, 'verity.sqlite'),
    AUDIT_KEY_FILE: path.join(dir, 'audit.key'),
    AUDIT_CHECKPOINT_FILE: path.join(dir, 'audit-checkpoints.jsonl'),
  }
}

/**
 * The environment of a server on its own files in `dir` and its own port: a key of its own (created on first start),
 * staff who sign in with the password alone, no retention runs; `extra` adds to it or overrides it.
 */
export function serverEnv(dir: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    ...serverFiles(dir),
    PORT: String(port),
    AUDIT_KEY: '',
    SEED_STAFF_PASSWORD: STAFF_PASSWORD,
    SEED_CUSTOMERS: '0',
    MFA_REQUIRED_ROLES: '',
    RETENTION_INTERVAL_HOURS: '0',
    ...extra,
  }
}

export interface ServerProcess {
  child: ChildProcess
  url: string
  /** what the server wrote to stderr so far */
  errors(): string
  /** SIGTERM, as an operator stops it: it checkpoints and closes the database; answers its exit code */
  stop(): Promise<number | null>
  /** SIGKILL, as a crash or the OOM killer would: answers once the process is gone */
  kill(): Promise<void>
}

/** The real server (`node --import tsx api/src/server.ts`), started with `env`; answers once it serves. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/src/server.ts'], { cwd: ROOT, env, stdio: 'pipe' })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let out = ''
  let errors = ''
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Verity is running')) resolve()
    })
    void exited.then((code) => reject(new Error(`server exited (${code}) before serving:\n${out}\n${errors}`)))
  })
  return {
    child,
    url: `http://localhost:${env.PORT}`,
    errors: () => errors,
    async stop() {
      child.kill('SIGTERM')
      return exited
    },
    async kill() {
      child.kill('SIGKILL')
      await exited
    },
  }
}

/** A small HTTP client for a server: JSON bodies, the server's own Origin (the CSRF check), a session cookie. */
export function httpClient(url: string) {
  async function request(method: string, path: string, { cookie, body }: { cookie?: string; body?: unknown } = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', Origin: url }
    if (cookie) headers.Cookie = cookie
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    return testResponse(await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }))
  }
  /** Signs in as a seeded role or any staff email; answers the session cookie to send back. */
  async function login(who: string, password = STAFF_PASSWORD): Promise<string> {
    const res = await request('POST', '/api/auth/login', { body: { email: who.includes('@') ? who : `${who}@example.com`, password } })
    if (res.status !== 200) throw new Error(`login as ${who}: ${res.status} ${res.text}`)
    return res.headers.get('set-cookie')!.split(';')[0]!
  }
  return { request, login }
}

/** Staff put straight into the tables with the seeded agent's password hash, so they sign in with STAFF_PASSWORD. */
export async function addStaff(db: Kysely<Database>, staff: { email: string; name: string; role: StaffRole }[]) {
  const { password_hash } = await db
    .selectFrom('staff_credentials as c')
    .innerJoin('staff_users as s', 's.id', 'c.staff_id')
    .select('c.password_hash')
    .where('s.email', '=', 'agent@example.com')
    .executeTakeFirstOrThrow()
  const at = new Date().toISOString()
  for (const s of staff) {
    const { id } = await db
      .insertInto('staff_users')
      .values({ ...s, created_at: at, updated_at: at, last_login_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('staff_credentials').values({ staff_id: id, password_hash, changed_at: at }).execute()
  }
}

const run = promisify(execFile)

/** `npm run <script> -- <args>`, the real command, with `env` over this process's: its exit code and everything it printed. */
export async function npmRun(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env } })
    return { code: 0, out: stdout + stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, out: err.stdout + err.stderr }
  }
}
