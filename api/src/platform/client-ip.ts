import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { AppEnv } from './context.js'

/** The caller's address: the socket's, or the first X-Forwarded-For hop when a trusted proxy sets it. */
export function clientIp(c: Context<AppEnv>): string | null {
  if (c.var.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? null
  } catch {
    return null // not served by node (in-process tests)
  }
}
