import os from 'node:os'
import { Piscina } from 'piscina'

/** OWASP's argon2id parameters (STACK.md): 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, algorithm: 2 /* argon2id */ } as const

export const MIN_PASSWORD_LENGTH = 12

/**
 * Argon2id runs on worker threads of slightly lower priority (nice +4), two per core: a burst of sign-ins keeps every core
 * busy, yet the event loop, which answers everything else, wins the CPU when it has work, so agents' lookups during it
 * keep their pace (README, "Benchmark"). On libuv's thread pool they ran at the event loop's priority and took turns
 * with it.
 */
const hashing = new Piscina({
  filename: new URL('./passwords.worker.mjs', import.meta.url).href,
  maxThreads: 2 * os.availableParallelism(),
  niceIncrement: 4,
  idleTimeout: 60_000,
})

export function hashPassword(password: string): Promise<string> {
  return hashing.run({ op: 'hash', password, options: OPTIONS })
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await hashing.run({ op: 'verify', hash: passwordHash, password })
  } catch {
    return false
  }
}

// Checked when the email is unknown, so that a miss takes as long as a wrong password.
let decoy: Promise<string> | undefined
export async function burnPasswordCheck(password: string): Promise<void> {
  try {
    decoy ??= hashPassword('decoy password that matches nothing')
    await verifyPassword(await decoy, password)
  } catch {
    // A failed hash is not kept: made again next time. Nor is it answered any other way than a wrong password would be
    // (verifyPassword answers false on a failure), or a 500 would tell an unknown email from a known one.
    decoy = undefined
  }
}
