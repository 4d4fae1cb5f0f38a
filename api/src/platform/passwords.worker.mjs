// The argon2id work of passwords.ts, on its low-priority worker threads. Plain JavaScript: a worker thread loads its file
// with Node alone, outside the TypeScript loader the server and the tests run under.
import { hashSync, verifySync } from '@node-rs/argon2'

/** @param {{ op: 'hash', password: string, options: object } | { op: 'verify', hash: string, password: string }} task */
export default function run(task) {
  return task.op === 'hash' ? hashSync(task.password, task.options) : verifySync(task.hash, task.password)
}
