import type { StaffRole } from '@verity/db'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, StaffContext } from './context.js'
import { forbidden, unauthenticated } from './errors.js'

/** Lets the request through only for a signed-in staff member holding one of the roles: 401 otherwise, or 403. */
export function requireRole(...roles: StaffRole[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const staff = c.var.staff
    if (!staff) throw unauthenticated()
    if (roles.length && !roles.includes(staff.role)) throw forbidden()
    await next()
  })
}

/** Any signed-in staff member. */
export const requireSignedIn = requireRole()

/** The request context of a route already guarded by requireRole: its staff member is known. */
export function staffContext(c: Context<AppEnv>): StaffContext {
  const { ctx } = c.var
  if (!ctx.staff) throw unauthenticated()
  return { ...ctx, staff: ctx.staff }
}
