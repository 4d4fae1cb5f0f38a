import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { AppConfig, SignedInStaff } from '../../platform/context.js'
import { AppError, badRequest } from '../../platform/errors.js'
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../platform/passwords.js'
import { createSession, invalidateSession, invalidateStaffSessions } from '../../platform/session.js'
import { assertNotThrottled, clearFailures, recordFailure, throttleKeys } from './login-throttle.js'

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'Email or password is incorrect.')

interface SignInInput {
  email: string
  password: string
  ip: string | null
  userAgent: string | null
}

export async function signIn(db: Kysely<Database>, config: AppConfig, input: SignInInput) {
  const now = config.now()
  const keys = throttleKeys(input.email, input.ip)
  await assertNotThrottled(db, keys, now)

  const staff = await db
    .selectFrom('staff_users as u')
    .innerJoin('staff_credentials as c', 'c.staff_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'c.password_hash'])
    .where('u.email', '=', input.email)
    .executeTakeFirst()

  const passed = staff ? await verifyPassword(staff.password_hash, input.password) : (await burnPasswordCheck(input.password), false)
  if (!staff || !passed || staff.status !== 'active') {
    await db.transaction().execute(async (trx) => {
      await recordFailure(trx, keys, now)
      await appendAudit(
        trx,
        {
          actor: null,
          action: 'auth.login_failed',
          entityType: 'staff',
          entityId: staff?.id,
          ip: input.ip,
          details: { reason: !staff ? 'unknown_email' : !passed ? 'wrong_password' : 'account_disabled' },
        },
        now,
      )
    })
    throw invalidCredentials()
  }

  return db.transaction().execute(async (trx) => {
    await clearFailures(trx, `email:${input.email}`)
    await trx.updateTable('staff_users').set({ last_login_at: now.toISOString() }).where('id', '=', staff.id).execute()
    const session = await createSession(trx, config, staff.id, input)
    await appendAudit(
      trx,
      { actor: { id: staff.id, role: staff.role }, action: 'auth.login', entityType: 'staff', entityId: staff.id, ip: input.ip },
      now,
    )
    return { session, me: { id: staff.id, email: staff.email, name: staff.name, role: staff.role } }
  })
}

export async function signOut(db: Kysely<Database>, config: AppConfig, staff: SignedInStaff, ip: string | null) {
  await db.transaction().execute(async (trx) => {
    await invalidateSession(trx, staff.sessionId)
    await appendAudit(
      trx,
      { actor: { id: staff.id, role: staff.role }, action: 'auth.logout', entityType: 'staff', entityId: staff.id, ip },
      config.now(),
    )
  })
}

/** Changes one's own password; every session of the account ends, and a new one is opened for this browser. */
export async function changeOwnPassword(
  db: Kysely<Database>,
  config: AppConfig,
  staff: SignedInStaff,
  input: { currentPassword: string; newPassword: string; ip: string | null; userAgent: string | null },
) {
  const creds = await db.selectFrom('staff_credentials').select('password_hash').where('staff_id', '=', staff.id).executeTakeFirstOrThrow()
  if (!(await verifyPassword(creds.password_hash, input.currentPassword))) {
    throw badRequest('The current password is incorrect.', { currentPassword: 'Incorrect password' })
  }
  const passwordHash = await hashPassword(input.newPassword)
  const now = config.now()
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('staff_credentials')
      .set({ password_hash: passwordHash, changed_at: now.toISOString() })
      .where('staff_id', '=', staff.id)
      .execute()
    await invalidateStaffSessions(trx, staff.id)
    const session = await createSession(trx, config, staff.id, input)
    await appendAudit(
      trx,
      { actor: { id: staff.id, role: staff.role }, action: 'auth.password_changed', entityType: 'staff', entityId: staff.id, ip: input.ip },
      now,
    )
    return session
  })
}
