import type { StaffRole } from '@verity/db'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, SignedInStaff } from './context.js'
import { forbidden, unauthenticated } from './errors.js'
import type { Context } from 'hono'

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

/** The signed-in staff member of a route already guarded by requireRole. */
export function currentStaff(c: Context<AppEnv>): SignedInStaff {
  const staff = c.var.staff
  if (!staff) throw unauthenticated()
  return staff
}
