import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { AppEnv } from './context.js'

/**
 * The caller's address: the socket's or, when TRUST_PROXY says a proxy of ours stands in front, the address that proxy
 * appended to X-Forwarded-For (the last hop). Earlier hops are whatever the client chose to send, so an address taken
 * from them would let a guesser pick a fresh one for every attempt and slip past the per-address limits.
 */
export function clientIp(c: Context<AppEnv>): string | null {
  if (c.var.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? null
  } catch {
    return null // not served by node (in-process tests)
  }
}
