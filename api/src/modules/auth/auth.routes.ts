import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { requireSignedIn, staffContext } from '../../platform/roles.js'
import { clearSessionCookie, invalidateSession, setSessionCookie } from '../../platform/session.js'
import { validate } from '../../platform/validation.js'
import { ChangePasswordBody, LoginBody } from './auth.schemas.js'
import { changeOwnPassword, signIn, signOut } from './auth.service.js'
import { describeMe, secondFactorRoutes } from './second-factor.routes.js'
import { ownSessionRoutes } from './sessions.routes.js'

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/login',
    describeRoute({ tags: ['auth'], summary: 'Sign in; sets the HttpOnly session cookie' }),
    validate('json', LoginBody),
    async (c) => {
      const { email, password } = c.req.valid('json')
      const { session, answer } = await signIn(c.var.db, c.var.ctx, { email, password, userAgent: c.req.header('user-agent') ?? null })
      setSessionCookie(c, session.token, session.expiresAt)
      return c.json(answer)
    },
  )
  .post('/logout', describeRoute({ tags: ['auth'], summary: 'Sign out: ends this session' }), async (c) => {
    if (c.var.ctx.staff) await signOut(c.var.db, staffContext(c))
    // a sign-in abandoned at the second factor ends too
    else if (c.var.partial) await invalidateSession(c.var.db, c.var.partial.sessionId)
    clearSessionCookie(c)
    return c.body(null, 204)
  })
  .get('/me', describeRoute({ tags: ['auth'], summary: 'The signed-in staff member' }), requireSignedIn, (c) =>
    c.json(describeMe(staffContext(c))),
  )
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
  .route('/', secondFactorRoutes)
