import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { clientIp } from '../../platform/client-ip.js'
import type { AppEnv } from '../../platform/context.js'
import { currentStaff, requireSignedIn } from '../../platform/roles.js'
import { clearSessionCookie, setSessionCookie } from '../../platform/session.js'
import { validate } from '../../platform/validation.js'
import { ChangePasswordBody, LoginBody } from './auth.schemas.js'
import { changeOwnPassword, signIn, signOut } from './auth.service.js'

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/login',
    describeRoute({ tags: ['auth'], summary: 'Sign in; sets the HttpOnly session cookie' }),
    validate('json', LoginBody),
    async (c) => {
      const { email, password } = c.req.valid('json')
      const { session, me } = await signIn(c.var.db, c.var.config, {
        email,
        password,
        ip: clientIp(c),
        userAgent: c.req.header('user-agent') ?? null,
      })
      setSessionCookie(c, session.token, session.expiresAt)
      return c.json(me)
    },
  )
  .post('/logout', describeRoute({ tags: ['auth'], summary: 'Sign out: ends this session' }), async (c) => {
    if (c.var.staff) await signOut(c.var.db, c.var.config, c.var.staff, clientIp(c))
    clearSessionCookie(c)
    return c.body(null, 204)
  })
  .get('/me', describeRoute({ tags: ['auth'], summary: 'The signed-in staff member' }), requireSignedIn, (c) => {
    const { id, email, name, role } = currentStaff(c)
    return c.json({ id, email, name, role })
  })
  .post(
    '/password',
    describeRoute({ tags: ['auth'], summary: "Change one's own password; ends every other session" }),
    requireSignedIn,
    validate('json', ChangePasswordBody),
    async (c) => {
      const body = c.req.valid('json')
      const session = await changeOwnPassword(c.var.db, c.var.config, currentStaff(c), {
        ...body,
        ip: clientIp(c),
        userAgent: c.req.header('user-agent') ?? null,
      })
      setSessionCookie(c, session.token, session.expiresAt)
      return c.body(null, 204)
    },
  )
