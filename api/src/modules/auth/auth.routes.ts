import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { requireSignedIn, staffContext } from '../../platform/roles.js'
import { clearSessionCookie, setSessionCookie } from '../../platform/session.js'
import { validate } from '../../platform/validation.js'
import { ChangePasswordBody, LoginBody } from './auth.schemas.js'
import { changeOwnPassword, signIn, signOut } from './auth.service.js'
import { ownSessionRoutes } from './sessions.routes.js'

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/login',
    describeRoute({ tags: ['auth'], summary: 'Sign in; sets the HttpOnly session cookie' }),
    validate('json', LoginBody),
    async (c) => {
      const { email, password } = c.req.valid('json')
      const { session, me } = await signIn(c.var.db, c.var.ctx, { email, password, userAgent: c.req.header('user-agent') ?? null })
      setSessionCookie(c, session.token, session.expiresAt)
      return c.json(me)
    },
  )
  .post('/logout', describeRoute({ tags: ['auth'], summary: 'Sign out: ends this session' }), async (c) => {
    if (c.var.ctx.staff) await signOut(c.var.db, staffContext(c))
    clearSessionCookie(c)
    return c.body(null, 204)
  })
  .get('/me', describeRoute({ tags: ['auth'], summary: 'The signed-in staff member' }), requireSignedIn, (c) => {
    const { id, email, name, role } = staffContext(c).staff
    return c.json({ id, email, name, role })
  })
  .post(
    '/password',
    describeRoute({ tags: ['auth'], summary: "Change one's own password; ends every other session" }),
    requireSignedIn,
    validate('json', ChangePasswordBody),
    async (c) => {
      const session = await changeOwnPassword(c.var.db, staffContext(c), {
        ...c.req.valid('json'),
        userAgent: c.req.header('user-agent') ?? null,
      })
      setSessionCookie(c, session.token, session.expiresAt)
      return c.body(null, 204)
    },
  )
  .route('/sessions', ownSessionRoutes)
