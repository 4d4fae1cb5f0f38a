import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { validate } from '../../platform/validation.js'
import { setPasswordWithLink } from './set-password.js'
import { SetPasswordBody } from './staff.schemas.js'

/** Public, mounted under /api/auth: the emailed link is the key, no session (set-password.ts). */
export const setPasswordRoutes = new Hono<AppEnv>().post(
  '/set-password',
  describeRoute({ tags: ['auth'], summary: 'Set one’s password with an emailed single-use link; ends the account’s sessions' }),
  validate('json', SetPasswordBody),
  async (c) => {
    await setPasswordWithLink(c.var.db, c.var.ctx, c.req.valid('json'))
    return c.body(null, 204)
  },
)
