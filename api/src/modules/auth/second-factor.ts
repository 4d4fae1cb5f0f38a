import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { encodeBase32LowerCaseNoPadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding'
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp'
import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { PartialSession, RequestContext, SignedInStaff, StaffContext } from '../../platform/context.js'
import { AppError, badRequest, because, conflict } from '../../platform/errors.js'
import { requireFreshProof } from '../../platform/fresh-proof.js'
import { derivedKey, open, seal } from '../../platform/secret-box.js'
import { createSession } from '../../platform/session.js'
import { inTransaction, refuseAfterCommit, type Trx } from '../../platform/transaction.js'
import { refundAttempt, reserveAttempt, throttleKeys } from './login-throttle.js'

/**
 * The second factor (docs/decisions/0015-second-factor-and-grants.md): TOTP as RFC 6238 has it (SHA-1, 30-second steps,
 * six digits; what every authenticator app speaks), one step of clock drift either way, each step accepted once; and
 * ten single-use recovery codes. Secrets are sealed with a key the database never holds (platform/secret-box.ts).
 */
export const TOTP = { issuer: 'Verity', periodSeconds: 30, digits: 6, driftSteps: 1 } as const
export const RECOVERY_CODE_COUNT = 10
const SEALED_AS = 'totp'

const invalidCode = () => new AppError(401, 'invalid_code', 'That code is not right, or was already used.')

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP.periodSeconds)
}

export function totpCode(secret: Uint8Array, step: number): string {
  return generateHOTP(secret, BigInt(step), TOTP.digits)
}

/** The time step a code belongs to, within the drift allowed around `now`; null when it belongs to none. */
export function matchingStep(secret: Uint8Array, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const step = totpStep(now)
  let found: number | null = null
  // every candidate is compared, so the time taken does not say which one matched
  for (let s = step - TOTP.driftSteps; s <= step + TOTP.driftSteps; s++) {
    if (timingSafeEqual(Buffer.from(totpCode(secret, s)), Buffer.from(code))) found ??= s
  }
  return found
}

/** Codes are typed by people: case, spaces and dashes do not count. */
const normalizeCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '')

/** Recovery codes are base32 (a–z, 2–7): a 0, 1 or 8 typed from paper can only have meant o, l or b. */
const readRecoveryCode = (code: string) => normalizeCode(code).replace(/0/g, 'o').replace(/1/g, 'l').replace(/8/g, 'b')

/**
 * What is stored of a recovery code: an HMAC under a key derived from the audit key, so that a copy of the database
 * cannot be searched for the codes offline (50 random bits each would fall to a plain hash).
 */
function recoveryCodeHash(auditKey: Uint8Array, staffId: number, code: string): string {
  return createHmac('sha256', derivedKey(auditKey, 'recovery-codes'))
    .update(`${staffId}:${readRecoveryCode(code)}`)
    .digest('hex')
}

function newRecoveryCode(): string {
  const text = encodeBase32LowerCaseNoPadding(randomBytes(8)).slice(0, 10) // 50 random bits
  return `${text.slice(0, 5)}-${text.slice(5)}`
}

/** A new set of recovery codes for the account; the ones before stop working. Answers the codes, shown once. */
async function renewRecoveryCodes(trx: Trx, auditKey: Uint8Array, staffId: number, now: Date): Promise<string[]> {
  await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute()
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  await trx
    .insertInto('staff_recovery_codes')
    .values(
      codes.map((c) => ({
        staff_id: staffId,
        code_hash: recoveryCodeHash(auditKey, staffId, c),
        created_at: now.toISOString(),
        used_at: null,
      })),
    )
    .execute()
  return codes
}

/** Who a second-factor step acts for: a signed-in staff member, or the holder of a partial session. */
type Holder = SignedInStaff | PartialSession
const isPartial = (who: Holder): who is PartialSession => 'stage' in who

/** The audit context of a holder: a partial session's holder is named, though not signed in. */
const asActor = (ctx: RequestContext, who: Holder) => ({ ...ctx, staff: { id: who.id, role: who.role } })

/**
 * Starts (or restarts) enrolment: a new secret, kept sealed on this session until a code from it is confirmed, so an
 * enrolment left half-way changes nothing. An account that already has a factor must have given it freshly.
 */
export async function startEnrolment(db: Kysely<Database>, ctx: RequestContext, who: Holder) {
  if (!isPartial(who) && who.factor) requireFreshProof({ ...ctx, staff: who })
  // Without a factor, the password is the proof: it must be recent, or a stolen session could enrol its own
  // authenticator and lock the owner out.
  if (!isPartial(who) && !who.factor && ctx.now.getTime() - Date.parse(who.signedInAt) > ctx.config.mfa.freshMs) {
    const minutes = Math.round(ctx.config.mfa.freshMs / 60_000)
    throw because(
      'sign_in_again',
      new AppError(403, 'forbidden', `Sign in again, then set up two-step sign-in within ${minutes} minutes.`),
      { minutes },
    )
  }
  const secret = new Uint8Array(randomBytes(20))
  await db
    .updateTable('staff_sessions')
    .set({ enrol_secret: seal(ctx.config.auditKey, SEALED_AS, String(who.id), secret) })
    .where('id', '=', who.sessionId)
    .execute()
  return {
    secret: encodeBase32UpperCaseNoPadding(secret),
    uri: createTOTPKeyURI(TOTP.issuer, who.email, secret, TOTP.periodSeconds, TOTP.digits),
  }
}

/**
 * Confirms enrolment with a code from the new secret: the factor is the account's (replacing any before), ten new
 * recovery codes are made, and every other session of the account ends. A partial 'enrol' session becomes a signed-in
 * one under a new token.
 */
export async function confirmEnrolment(db: Kysely<Database>, ctx: RequestContext, who: Holder, code: string, userAgent: string | null) {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('staff_sessions').select('enrol_secret').where('id', '=', who.sessionId).executeTakeFirst()
    const sealed = row?.enrol_secret
    if (!sealed) throw conflict('Start setting up the authenticator first.')
    const secret = open(ctx.config.auditKey, SEALED_AS, String(who.id), sealed)
    const step = secret && matchingStep(secret, normalizeCode(code), ctx.now)
    if (step === null || step === undefined || !secret)
      throw badRequest('That code is not right. Enter the code the app shows now.', { code: 'Not right' })

    // conditional on the secret read: two confirmations racing give one enrolment
    const at = ctx.now.toISOString()
    const claimed = isPartial(who)
      ? await trx.deleteFrom('staff_sessions').where('id', '=', who.sessionId).where('enrol_secret', '=', sealed).executeTakeFirst()
      : await trx
          .updateTable('staff_sessions')
          .set({ enrol_secret: null, factor_at: at })
          .where('id', '=', who.sessionId)
          .where('enrol_secret', '=', sealed)
          .executeTakeFirst()
    const n = 'numDeletedRows' in claimed ? claimed.numDeletedRows : claimed.numUpdatedRows
    if (n === 0n) throw conflict('This set-up was already confirmed.')

    const replaced = await trx.selectFrom('staff_factors').select('staff_id').where('staff_id', '=', who.id).executeTakeFirst()
    await trx.deleteFrom('staff_factors').where('staff_id', '=', who.id).execute()
    await trx
      .insertInto('staff_factors')
      .values({ staff_id: who.id, kind: 'totp', secret: sealed, enrolled_at: at, last_step: step })
      .execute()
    const recoveryCodes = await renewRecoveryCodes(trx, ctx.config.auditKey, who.id, ctx.now)
    await trx.deleteFrom('staff_sessions').where('staff_id', '=', who.id).where('id', '!=', who.sessionId).execute()

    // a first sign-in completed by enrolling: the password's charge to the throttle is taken back now
    if (isPartial(who)) await refundAttempt(trx, throttleKeys(who.email, ctx.ip))
    const session = isPartial(who) ? await createSession(trx, ctx, who.id, userAgent, { factorAt: at }) : null
    const actor = asActor(ctx, who)
    await audit(trx, actor, {
      action: 'auth.factor_enrolled',
      entityType: 'staff',
      entityId: who.id,
      details: { kind: 'totp', replaced: !!replaced },
    })
    if (session) {
      await trx.updateTable('staff_users').set({ last_login_at: at }).where('id', '=', who.id).execute()
      await audit(trx, actor, { action: 'auth.login', entityType: 'staff', entityId: who.id, details: { factor: 'enrolled' } })
    }
    return { recoveryCodes, session }
  })
}

/**
 * Takes the second factor: a TOTP code (each time step once) or an unused recovery code. Charged to the sign-in
 * throttle before it is checked, as a password is. A partial 'factor' session becomes a signed-in one under a new
 * token; a signed-in session records the proof as fresh.
 */
export async function giveSecondFactor(db: Kysely<Database>, ctx: RequestContext, who: Holder, code: string, userAgent: string | null) {
  const keys = throttleKeys(who.email, ctx.ip)
  const given = normalizeCode(code)
  return inTransaction(db, async (trx) => {
    await reserveAttempt(trx, keys, ctx.now)
    const factor = await trx.selectFrom('staff_factors').select(['secret', 'last_step']).where('staff_id', '=', who.id).executeTakeFirst()
    if (!factor) throw conflict('This account has no second factor to give.')
    const at = ctx.now.toISOString()
    let used: 'totp' | 'recovery_code' | null = null
    if (/^\d{6}$/.test(given)) {
      const secret = open(ctx.config.auditKey, SEALED_AS, String(who.id), factor.secret)
      const step = secret && matchingStep(secret, given, ctx.now)
      if (step !== null && step !== undefined) {
        // the step is taken only if no later or equal one was: a code seen over a shoulder or replayed is refused
        const r = await trx
          .updateTable('staff_factors')
          .set({ last_step: step })
          .where('staff_id', '=', who.id)
          .where('last_step', '<', step)
          .executeTakeFirst()
        if (r.numUpdatedRows > 0n) used = 'totp'
      }
    } else {
      const r = await trx
        .updateTable('staff_recovery_codes')
        .set({ used_at: at })
        .where('staff_id', '=', who.id)
        .where('code_hash', '=', recoveryCodeHash(ctx.config.auditKey, who.id, given))
        .where('used_at', 'is', null)
        .executeTakeFirst()
      if (r.numUpdatedRows > 0n) used = 'recovery_code'
    }
    if (!used) {
      await audit(trx, asActor(ctx, who), { action: 'auth.factor_failed', entityType: 'staff', entityId: who.id })
      return refuseAfterCommit(invalidCode())
    }
    await refundAttempt(trx, keys)
    const left =
      used === 'recovery_code'
        ? Number(
            (
              await trx
                .selectFrom('staff_recovery_codes')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('staff_id', '=', who.id)
                .where('used_at', 'is', null)
                .executeTakeFirstOrThrow()
            ).n,
          )
        : null

    if (isPartial(who)) {
      const ended = await trx.deleteFrom('staff_sessions').where('id', '=', who.sessionId).where('stage', '=', 'factor').executeTakeFirst()
      if (ended.numDeletedRows === 0n) throw conflict('This sign-in was already completed. Sign in again.')
      const session = await createSession(trx, ctx, who.id, userAgent, { factorAt: at })
      await trx.updateTable('staff_users').set({ last_login_at: at }).where('id', '=', who.id).execute()
      await audit(trx, asActor(ctx, who), {
        action: 'auth.login',
        entityType: 'staff',
        entityId: who.id,
        details: { factor: used },
      })
      return { session, factorAt: at, recoveryCodesLeft: left }
    }
    await trx.updateTable('staff_sessions').set({ factor_at: at }).where('id', '=', who.sessionId).execute()
    await audit(trx, asActor(ctx, who), { action: 'auth.factor_passed', entityType: 'staff', entityId: who.id, details: { factor: used } })
    return { session: null, factorAt: at, recoveryCodesLeft: left }
  })
}

/** A new set of recovery codes for one's own factor, given freshly; the old set stops working. */
export async function renewOwnRecoveryCodes(db: Kysely<Database>, ctx: StaffContext) {
  requireFreshProof(ctx)
  if (!ctx.staff.factor) throw conflict('Set up an authenticator first.')
  return inTransaction(db, async (trx) => {
    const recoveryCodes = await renewRecoveryCodes(trx, ctx.config.auditKey, ctx.staff.id, ctx.now)
    await audit(trx, ctx, { action: 'auth.recovery_codes_renewed', entityType: 'staff', entityId: ctx.staff.id })
    return { recoveryCodes }
  })
}

/** Whether an account's role must give a second factor (MFA_REQUIRED_ROLES). */
export const factorRequired = (ctx: Pick<RequestContext, 'config'>, role: SignedInStaff['role']) =>
  ctx.config.mfa.requiredRoles.includes(role)
