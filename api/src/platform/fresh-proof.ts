import { createMiddleware } from 'hono/factory'
import type { AppConfig, AppEnv, SignedInStaff, StaffContext } from './context.js'
import { AppError, unauthenticated } from './errors.js'

/**
 * Fresh proof for dangerous acts (docs/decisions/0015-second-factor-and-grants.md): breaking the glass, releasing data
 * under legal process, approving an erasure or a grant, and every staff change need the second factor given within
 * MFA_FRESH_MINUTES. An account without a factor has nothing to prove again; sign-in already refuses the roles that
 * must have one.
 */
export function factorFreshUntil(staff: Pick<SignedInStaff, 'factor' | 'factorAt'>, config: Pick<AppConfig, 'mfa'>): Date | null {
  if (!staff.factor || !staff.factorAt) return null
  return new Date(Date.parse(staff.factorAt) + config.mfa.freshMs)
}

export function requireFreshProof(ctx: StaffContext): void {
  if (!ctx.staff.factor) return
  const until = factorFreshUntil(ctx.staff, ctx.config)
  if (until && until > ctx.now) return
  throw new AppError(
    403,
    'fresh_factor_required',
    'This action needs your authenticator code again: give it at POST /api/auth/mfa, then repeat the request.',
  )
}

/** The route-level form, for routes that are dangerous whatever they are asked. */
export const freshProof = createMiddleware<AppEnv>(async (c, next) => {
  const { ctx } = c.var
  if (!ctx.staff) throw unauthenticated()
  requireFreshProof({ ...ctx, staff: ctx.staff })
  await next()
})
