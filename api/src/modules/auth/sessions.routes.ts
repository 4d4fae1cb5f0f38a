import type { Context } from 'hono'
import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { freshProof } from '../../platform/fresh-proof.js'
import { requireRole, requireSignedIn, staffContext } from '../../platform/roles.js'
import { clearSessionCookie } from '../../platform/session.js'
import { validate } from '../../platform/validation.js'
import { OwnSessionParam, StaffSessionParam, StaffSessionsParam } from './auth.schemas.js'
import { endSession, listSessions, requireStaffAccount } from './sessions.service.js'

/** Ending the session this request came with signs its browser out. */
function ended(c: Context<AppEnv>, { current }: { current: boolean }) {
  if (current) clearSessionCookie(c)
  return c.body(null, 204)
}

/** Mounted at /auth/sessions: one's own signed-in browsers. */
export const ownSessionRoutes = new Hono<AppEnv>()
  .use(requireSignedIn)
  .get('/', describeRoute({ tags: ['auth'], summary: 'My sessions that still sign in; which one is this browser' }), async (c) => {
    const ctx = staffContext(c)
    return c.json(await listSessions(c.var.db, ctx, ctx.staff.id))
  })
  .delete(
    '/:id',
    describeRoute({ tags: ['auth'], summary: 'End one of my sessions; ending this one signs out' }),
    validate('param', OwnSessionParam),
    async (c) => {
      const ctx = staffContext(c)
      return ended(c, await endSession(c.var.db, ctx, ctx.staff.id, c.req.valid('param').id))
    },
  )

/** Mounted at /staff beside the staff routes: an admin's view of anyone's sessions. */
export const staffSessionRoutes = new Hono<AppEnv>()
  .get(
    '/:id/sessions',
    describeRoute({ tags: ['staff'], summary: "A staff member's sessions that still sign in" }),
    requireRole('admin'),
    validate('param', StaffSessionsParam),
    async (c) => {
      const { id } = c.req.valid('param')
      await requireStaffAccount(c.var.db, id)
      return c.json(await listSessions(c.var.db, staffContext(c), id))
    },
  )
  .delete(
    '/:id/sessions/:sid',
    describeRoute({ tags: ['staff'], summary: "End one of a staff member's sessions" }),
    requireRole('admin'),
    freshProof,
    validate('param', StaffSessionParam),
    async (c) => {
      const { id, sid } = c.req.valid('param')
      return ended(c, await endSession(c.var.db, staffContext(c), id, sid))
    },
  )
