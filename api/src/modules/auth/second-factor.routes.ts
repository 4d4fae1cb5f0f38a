import { type Context, Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, PartialSession, SignedInStaff, StaffContext } from '../../platform/context.js'
import { unauthenticated } from '../../platform/errors.js'
import { factorFreshUntil } from '../../platform/fresh-proof.js'
import { requireSignedIn, staffContext } from '../../platform/roles.js'
import { setSessionCookie } from '../../platform/session.js'
import { validate } from '../../platform/validation.js'
import { FactorCodeBody } from './auth.schemas.js'
import { confirmEnrolment, factorRequired, giveSecondFactor, renewOwnRecoveryCodes, startEnrolment } from './second-factor.js'

const tags = ['auth']

/** What the console knows of the signed-in staff member, second factor included. */
export function describeMe(ctx: StaffContext) {
  const { id, email, name, role, factor } = ctx.staff
  return {
    id,
    email,
    name,
    role,
    factor,
    factorRequired: factorRequired(ctx, role),
    factorFreshUntil: factorFreshUntil(ctx.staff, ctx.config)?.toISOString() ?? null,
  }
}

/** The holder a second-factor route acts for: a signed-in staff member, or a partial session at `stage`. */
function holder(c: Context<AppEnv>, stage: PartialSession['stage']): SignedInStaff | PartialSession {
  const partial = c.var.partial
  if (partial?.stage === stage) return partial
  if (c.var.staff) return c.var.staff
  throw unauthenticated()
}

/** Refuses, before anything else is read, a request that has no holder for the route. */
const heldAt = (stage: PartialSession['stage']) =>
  createMiddleware<AppEnv>(async (c, next) => {
    holder(c, stage)
    await next()
  })

const userAgent = (c: Context<AppEnv>) => c.req.header('user-agent') ?? null

export const secondFactorRoutes = new Hono<AppEnv>()
  .post(
    '/mfa',
    describeRoute({
      tags,
      summary: 'Give the second factor (a TOTP or recovery code): completes a partial sign-in, or makes the proof fresh',
    }),
    heldAt('factor'),
    validate('json', FactorCodeBody),
    async (c) => {
      const who = holder(c, 'factor')
      const done = await giveSecondFactor(c.var.db, c.var.ctx, who, c.req.valid('json').code, userAgent(c))
      if (done.session) {
        setSessionCookie(c, done.session.token, done.session.expiresAt)
        const { stage: _, ...staff } = who as PartialSession
        const ctx = { ...c.var.ctx, staff: { ...staff, sessionId: done.session.sessionId, factorAt: done.factorAt } }
        return c.json({ ...describeMe(ctx), recoveryCodesLeft: done.recoveryCodesLeft })
      }
      const ctx = { ...c.var.ctx, staff: { ...(who as SignedInStaff), factorAt: done.factorAt } }
      return c.json({
        factorFreshUntil: factorFreshUntil(ctx.staff, ctx.config)?.toISOString() ?? null,
        recoveryCodesLeft: done.recoveryCodesLeft,
      })
    },
  )
  .post(
    '/totp',
    describeRoute({ tags, summary: 'Start setting up an authenticator app: a new secret and its otpauth:// URI' }),
    heldAt('enrol'),
    async (c) => c.json(await startEnrolment(c.var.db, c.var.ctx, holder(c, 'enrol'))),
  )
  .post(
    '/totp/confirm',
    describeRoute({
      tags,
      summary: 'Confirm the authenticator with a code from it: answers ten recovery codes, once; ends every other session',
    }),
    heldAt('enrol'),
    validate('json', FactorCodeBody),
    async (c) => {
      const { recoveryCodes, session } = await confirmEnrolment(
        c.var.db,
        c.var.ctx,
        holder(c, 'enrol'),
        c.req.valid('json').code,
        userAgent(c),
      )
      if (session) setSessionCookie(c, session.token, session.expiresAt)
      return c.json({ recoveryCodes })
    },
  )
  .post(
    '/recovery-codes',
    describeRoute({ tags, summary: "New recovery codes for one's own factor (the old ones stop working)" }),
    requireSignedIn,
    async (c) => c.json(await renewOwnRecoveryCodes(c.var.db, staffContext(c))),
  )
