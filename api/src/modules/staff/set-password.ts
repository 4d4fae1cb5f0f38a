import { createHash, randomBytes } from 'node:crypto'
import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { RequestContext, StaffContext } from '../../platform/context.js'
import { AppError, because, tooManyAttempts } from '../../platform/errors.js'
import { maskEmail } from '../../platform/masking.js'
import { hashPassword } from '../../platform/passwords.js'
import { countEvent } from '../../platform/rate-counter.js'
import { invalidateStaffSessions } from '../../platform/session.js'
import { inTransaction, refuseAfterCommit, type Trx } from '../../platform/transaction.js'
import { deliverMessage, queueMessage } from '../outbox/outbox.service.js'
import type { OutgoingMessage } from '../outbox/outbox.transport.js'
import { ENDED } from '../../platform/lifecycle.js'

/**
 * Set-password links (docs/design.md, Staff accounts): nobody knows another person's password. Creating an account or
 * resetting a password sends the staff member a single-use link to the console's set-password page; it works for a day,
 * and each new link ends the ones before it. The token is 32 random bytes, stored as its SHA-256; the link exists only
 * in the email.
 */
export const SET_PASSWORD_LINK_HOURS = 24
/** Redemptions tried from one address in a window, right or wrong: a token cannot be guessed, but nobody may try. */
export const SET_PASSWORD_ATTEMPTS = { perAddress: 30, windowMs: 15 * 60_000 } as const

type Purpose = 'invite' | 'reset'
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

/** The console page that redeems a link, at the server's own origin (hash routing, admin-ui/src/App.tsx). */
export const setPasswordUrl = (consoleOrigin: string, token: string) => `${consoleOrigin}/#/set-password?token=${token}`

function linkMessage(purpose: Purpose, staff: { email: string; name: string }, url: string): OutgoingMessage {
  const intro =
    purpose === 'invite'
      ? `An administrator created a Verity back-office account for you (${staff.email}).`
      : 'An administrator reset the password of your Verity back-office account. Your old password no longer works and you were signed out everywhere.'
  return {
    channel: 'email',
    recipient: staff.email,
    subject: purpose === 'invite' ? 'Set the password of your Verity account' : 'Set a new Verity password',
    body: `${intro}\n\nChoose your password here within ${SET_PASSWORD_LINK_HOURS} hours; the link works once:\n\n${url}\n\nNobody at Verity will ever ask you for your password.`,
  }
}

/**
 * Queues a new link for the account inside the caller's transaction, ending any link sent before; deliver the answer
 * after the commit with `deliverPasswordLink`.
 */
export async function queuePasswordLink(
  trx: Trx,
  ctx: StaffContext,
  staff: { id: number; email: string; name: string },
  purpose: Purpose,
  consoleOrigin: string,
) {
  const token = randomBytes(32).toString('base64url')
  const at = ctx.now.toISOString()
  const expiresAt = new Date(ctx.now.getTime() + SET_PASSWORD_LINK_HOURS * 3_600_000).toISOString()
  await trx
    .updateTable('staff_password_links')
    .set({ expires_at: ENDED })
    .where('staff_id', '=', staff.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .execute()
  await trx
    .insertInto('staff_password_links')
    .values({
      staff_id: staff.id,
      token_hash: tokenHash(token),
      purpose,
      requested_by: ctx.staff.id,
      created_at: at,
      expires_at: expiresAt,
      used_at: null,
    })
    .execute()
  const message = linkMessage(purpose, staff, setPasswordUrl(consoleOrigin, token))
  const outboxId = await queueMessage(
    trx,
    { ...message, customerId: null, template: 'staff_password_link', payload: { purpose, expires_hours: SET_PASSWORD_LINK_HOURS } },
    ctx.now,
  )
  return { outboxId, message, expiresAt }
}

/** Hands a queued link to the transport after the commit; answers what the console may show of it. */
export async function deliverPasswordLink(
  db: Kysely<Database>,
  ctx: RequestContext,
  queued: Awaited<ReturnType<typeof queuePasswordLink>>,
) {
  const status = await deliverMessage(db, ctx.config.transport, queued.outboxId, queued.message, ctx.now)
  return { outboxId: queued.outboxId, status, recipient: maskEmail(queued.message.recipient), expiresAt: queued.expiresAt }
}

/** One answer for a link never sent, already used, ended by a newer one or expired: none tells whether an account exists. */
const invalidLink = () =>
  because(
    'password_link_invalid',
    new AppError(400, 'bad_request', 'This link is not valid any more. Ask an administrator to send you a new one.'),
  )

/**
 * Redeems a link: sets the password, uses the link up, ends the account's sessions. The link is looked up first (cheap),
 * the password hashed outside any transaction (argon2 is slow), and the link then used up by a conditional update in the
 * transaction that writes the password: of parallel redemptions exactly one succeeds.
 */
export async function setPasswordWithLink(db: Kysely<Database>, ctx: RequestContext, input: { token: string; password: string }) {
  const hash = tokenHash(input.token)
  const at = ctx.now.toISOString()
  const link = await inTransaction(db, async (trx) => {
    const tried = await countEvent(trx, `set_password:ip:${ctx.ip ?? 'unknown'}`, SET_PASSWORD_ATTEMPTS.windowMs, ctx.now)
    if (tried.count > SET_PASSWORD_ATTEMPTS.perAddress) {
      return refuseAfterCommit(
        tooManyAttempts('Too many attempts from your network. Try again later.', (tried.resetsAt.getTime() - ctx.now.getTime()) / 1000),
      )
    }
    const found = await trx
      .selectFrom('staff_password_links')
      .select(['id', 'staff_id', 'purpose'])
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst()
    return found ?? refuseAfterCommit(invalidLink())
  })

  const passwordHash = await hashPassword(input.password)
  await inTransaction(db, async (trx) => {
    const { numUpdatedRows } = await trx
      .updateTable('staff_password_links')
      .set({ used_at: at })
      .where('id', '=', link.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirstOrThrow()
    if (numUpdatedRows === 0n) throw invalidLink()
    await trx
      .insertInto('staff_credentials')
      .values({ staff_id: link.staff_id, password_hash: passwordHash, changed_at: at })
      .onConflict((oc) => oc.column('staff_id').doUpdateSet({ password_hash: passwordHash, changed_at: at }))
      .execute()
    await invalidateStaffSessions(trx, link.staff_id)
    const staff = await trx
      .selectFrom('staff_users')
      .select(['id', 'email', 'name', 'role'])
      .where('id', '=', link.staff_id)
      .executeTakeFirstOrThrow()
    // the staff member is the actor: the link proved who they are
    await audit(
      trx,
      { ...ctx, staff },
      { action: 'staff.password_set', entityType: 'staff', entityId: staff.id, details: { purpose: link.purpose } },
    )
  })
}
