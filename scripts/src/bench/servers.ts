import { spawn } from 'node:child_process'
import { ROOT } from '../build-console.js'
import { freePort } from '../server.testing.js'

export interface BenchServer {
  /** `http://127.0.0.1:<port>`: loopback, the address the load generator and the Origin header name */
  url: string
  /** SIGTERM, as an operator stops it (Verity checkpoints the audit chain and closes the database); answers its exit code */
  stop(): Promise<number | null>
}

/**
 * Runs `script` (a path from the repository's root) in its own Node process, as production does (`node --import tsx`),
 * on a free port with `env` over this process's environment (an undefined value unsets one); answers once it prints `ready`.
 */
export async function startServer(script: string, ready: string, env: Record<string, string | undefined>): Promise<BenchServer> {
  const port = await freePort()
  const merged: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...process.env, ...env, PORT: String(port) })) if (v !== undefined) merged[k] = v
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let out = ''
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes(ready)) resolve()
    })
    void exited.then((code) => reject(new Error(`${script} exited (${code}) before serving:\n${out}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop() {
      child.kill('SIGTERM')
      return exited
    },
  }
}
