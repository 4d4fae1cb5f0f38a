import { type Database, lockForUpdate } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { RequestContext, StaffContext } from '../../platform/context.js'
import { AppError, badRequest, because, conflict } from '../../platform/errors.js'
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../platform/passwords.js'
import { createSession, invalidateSession, invalidateStaffSessions } from '../../platform/session.js'
import { inTransaction, refuseAfterCommit } from '../../platform/transaction.js'
import { refundAttempt, reserveAttempt, throttleKeys } from './login-throttle.js'
import { factorRequired } from './second-factor.js'

const invalidCredentials = () => because('invalid_credentials', new AppError(401, 'invalid_credentials', 'Email or password is incorrect.'))
const accountPending = () =>
  new AppError(403, 'account_pending', 'This account waits for a compliance officer to approve its role. Try again once they have.')

interface SignInInput {
  email: string
  password: string
  userAgent: string | null
}

/**
 * Signs in with email and password; where the account owes a second factor, opens a partial session for it instead
 * (second-factor.ts) and answers `{mfa: 'totp' | 'enrol'}`. The attempt is charged to the throttle before the password is checked (argon2 is
 * slow, so it runs outside any transaction); a right password takes the charge back, a wrong one leaves it standing.
 */
export async function signIn(db: Kysely<Database>, ctx: RequestContext, input: SignInInput) {
  const keys = throttleKeys(input.email, ctx.ip)
  const found = await inTransaction(db, async (trx) => {
    await reserveAttempt(trx, keys, ctx.now)
    return trx
      .selectFrom('staff_users as u')
      .innerJoin('staff_credentials as c', 'c.staff_id', 'u.id')
      .select(['u.id', 'c.password_hash'])
      .where('u.email', '=', input.email)
      .executeTakeFirst()
  })

  // An unknown email costs the same time as a known one, so the answer's delay does not tell which accounts exist.
  const passed = found ? await verifyPassword(found.password_hash, input.password) : (await burnPasswordCheck(input.password), false)

  const result = await inTransaction(db, async (trx) => {
    // Read again where the session is written: the account may have been disabled, or its password changed, meanwhile.
    const staff = found
      ? await lockForUpdate(
          trx,
          trx
            .selectFrom('staff_users as u')
            .innerJoin('staff_credentials as c', 'c.staff_id', 'u.id')
            .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'c.password_hash'])
            .where('u.id', '=', found.id),
        ).executeTakeFirst()
      : undefined
    const reason = !staff
      ? 'unknown_email'
      : !passed || staff.password_hash !== found?.password_hash
        ? 'wrong_password'
        : staff.status === 'pending'
          ? 'account_pending'
          : staff.status !== 'active'
            ? 'account_disabled'
            : null
    if (!staff || reason) {
      await audit(
        trx,
        { ...ctx, staff: null },
        { action: 'auth.login_failed', entityType: 'staff', entityId: staff?.id, details: { reason } },
      )
      // a right password on an account still waiting for its grant is told so; nothing else says more than "incorrect"
      return reason === 'account_pending' ? refuseAfterCommit(accountPending()) : null
    }

    const me = { id: staff.id, email: staff.email, name: staff.name, role: staff.role }
    // A password alone opens a partial session while a second factor is owed: giving it, or enrolling one, signs in.
    // Its charge stands until then, so that a thief who knows the password cannot clear wrong codes by typing it again.
    const factor = await trx.selectFrom('staff_factors').select('kind').where('staff_id', '=', staff.id).executeTakeFirst()
    const owed = factor ? 'factor' : factorRequired(ctx, staff.role) ? 'enrol' : null
    if (owed) {
      const session = await createSession(trx, ctx, staff.id, input.userAgent, { stage: owed })
      return { session, answer: { mfa: owed === 'factor' ? ('totp' as const) : ('enrol' as const) } }
    }
    await refundAttempt(trx, keys)
    await trx.updateTable('staff_users').set({ last_login_at: ctx.now.toISOString() }).where('id', '=', staff.id).execute()
    const session = await createSession(trx, ctx, staff.id, input.userAgent)
    await audit(trx, { ...ctx, staff: me }, { action: 'auth.login', entityType: 'staff', entityId: staff.id })
    return { session, answer: me }
  })
  // thrown after the commit, so that the failure's audit entry stays
  if (!result) throw invalidCredentials()
  return result
}

export async function signOut(db: Kysely<Database>, ctx: StaffContext) {
  await inTransaction(db, async (trx) => {
    await invalidateSession(trx, ctx.staff.sessionId)
    await audit(trx, ctx, { action: 'auth.logout', entityType: 'staff', entityId: ctx.staff.id })
  })
}

/**
 * Changes one's own password; every session of the account ends, and a new one is opened for this browser.
 * The current password is checked under the sign-in throttle, so a stolen session cannot be used to guess it faster.
 */
export async function changeOwnPassword(
  db: Kysely<Database>,
  ctx: StaffContext,
  input: { currentPassword: string; newPassword: string; userAgent: string | null },
) {
  const keys = throttleKeys(ctx.staff.email, ctx.ip, { spaceAddress: false })
  const creds = await inTransaction(db, async (trx) => {
    await reserveAttempt(trx, keys, ctx.now)
    return trx.selectFrom('staff_credentials').select('password_hash').where('staff_id', '=', ctx.staff.id).executeTakeFirstOrThrow()
  })

  if (!(await verifyPassword(creds.password_hash, input.currentPassword))) {
    await inTransaction(db, (trx) =>
      audit(trx, ctx, {
        action: 'auth.password_change_failed',
        entityType: 'staff',
        entityId: ctx.staff.id,
        details: { reason: 'wrong_current_password' },
      }),
    )
    throw badRequest('The current password is incorrect.', { currentPassword: 'Incorrect password' })
  }

  const passwordHash = await hashPassword(input.newPassword)
  return inTransaction(db, async (trx) => {
    // conditional on the password just checked: two changes racing each other give one change and one 409
    const { numUpdatedRows } = await trx
      .updateTable('staff_credentials')
      .set({ password_hash: passwordHash, changed_at: ctx.now.toISOString() })
      .where('staff_id', '=', ctx.staff.id)
      .where('password_hash', '=', creds.password_hash)
      .executeTakeFirstOrThrow()
    if (numUpdatedRows === 0n) throw conflict('The password was changed meanwhile. Sign in again.')
    await refundAttempt(trx, keys)
    await invalidateStaffSessions(trx, ctx.staff.id)
    const session = await createSession(trx, ctx, ctx.staff.id, input.userAgent)
    await audit(trx, ctx, { action: 'auth.password_changed', entityType: 'staff', entityId: ctx.staff.id })
    return session
  })
}
