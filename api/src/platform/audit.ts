import { createHmac } from 'node:crypto'
import { type AuditLogEntry, type Database, FLAG_KINDS, takeWriterLock } from '@verity/db'
import type { Kysely } from 'kysely'
import type { AppConfig, RequestContext, SignedInStaff } from './context.js'
import { unauthenticated } from './errors.js'

export type AuditValue = string | number | boolean | null | string[] | number[]

/** Every action the log knows; a misspelt one does not compile. The audit desk offers these as its filter. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'auth.password_change_failed',
  'auth.session_ended',
  'auth.factor_enrolled',
  'auth.factor_failed',
  'auth.factor_passed',
  'auth.recovery_codes_renewed',
  'staff.session_ended',
  'staff.create',
  'staff.update',
  'staff.password_reset',
  'staff.password_set',
  'staff.factor_removed',
  'grant.requested',
  'grant.approved',
  'grant.rejected',
  'grant.cancelled',
  'settings.update',
  'audit.verify',
  'customer.search',
  'customer.read',
  'customer.read_unmasked',
  'customer.break_glass',
  'customer.password_reset_sent',
  'verification.start',
  'verification.answer',
  'verification.code_sent',
  'verification.code_checked',
  'verification.verified',
  'verification.failed',
  'verification.locked',
  'verification.superseded',
  ...FLAG_KINDS.map((kind) => `flag.${kind}` as const),
  'flag.resolve',
  'flag.lock_account',
  'flag.record_consent',
  'disclosure.create',
  'disclosure.subject',
  'disclosure.update',
  'disclosure.review',
  'disclosure.close',
  'disclosure.withdraw',
  'disclosure.amend',
  'disclosure.attach',
  'disclosure.attachment_download',
  'disclosure.notice_given',
  'disclosure.notice_withheld',
  'disclosure.post_review',
  'disclosure.accounting',
  'request.file',
  'request.approve',
  'request.reject',
  'request.cancel',
  'request.extend',
  'request.export_download',
  'request.read',
  'request.attach',
  'request.attachment_download',
  'customer.erase',
  'customer.edit',
  'legal_hold.place',
  'legal_hold.release',
  'retention.run',
  'report.exported',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export interface AuditEvent {
  action: AuditAction
  entityType?: string
  entityId?: string | number
  customerId?: number | null
  /** names, ids, counts and outcomes only: never a personal value, password, token or hash of one */
  details?: Record<string, AuditValue>
  /** raised by Verity itself (a flag, a seed), not by the staff member of the context */
  system?: true
}

/** What an entry needs of its context: who, from where, when, and the chain's key. */
export type AuditContext = Pick<RequestContext, 'ip' | 'now'> & {
  staff: Pick<SignedInStaff, 'id' | 'role'> | null
  config: Pick<AppConfig, 'auditKey'>
}

/** An entry as written: every column but the id the database gives it. */
export type AuditRow = Omit<AuditLogEntry, 'id'>

export const GENESIS_HASH = '0'.repeat(64)
const SECRET_KEY = /password|^hash|token|secret|otp/i

/** The exact text an entry's hash covers: every column but the hash, in a fixed order. */
export function auditHashInput(row: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([
    row.prev_hash,
    row.at,
    row.actor_id,
    row.actor_role,
    row.action,
    row.entity_type,
    row.entity_id,
    row.customer_id,
    row.ip,
    row.details,
  ])
}

/** HMAC-SHA-256 under a key the database does not hold: whoever can write the table still cannot forge or re-hash the chain. */
export function auditHash(key: Uint8Array, row: Omit<AuditRow, 'hash'>): string {
  return createHmac('sha256', key).update(auditHashInput(row)).digest('hex')
}

/** Builds the row for an event, chained to the previous entry's hash. Pure: no clock, no database. */
export function buildAuditEntry(key: Uint8Array, ctx: Omit<AuditContext, 'config'>, event: AuditEvent, prevHash: string): AuditRow {
  const details = event.details ?? {}
  for (const k of Object.keys(details)) {
    if (SECRET_KEY.test(k)) throw new Error(`audit details must not carry secrets (key "${k}")`)
  }
  const actor = event.system ? null : ctx.staff
  const row = {
    at: ctx.now.toISOString(),
    actor_id: actor?.id ?? null,
    actor_role: actor?.role ?? null,
    action: event.action,
    entity_type: event.entityType ?? null,
    entity_id: event.entityId == null ? null : String(event.entityId),
    customer_id: event.customerId ?? null,
    ip: ctx.ip,
    details: JSON.stringify(details),
    prev_hash: prevHash,
  }
  return { ...row, hash: auditHash(key, row) }
}

/**
 * Appends an event to the chain. Call it inside the transaction that makes the change, so that both or neither land.
 * Writers take the chain in turn (`takeWriterLock`).
 */
export async function audit(trx: Kysely<Database>, ctx: AuditContext, event: AuditEvent): Promise<AuditRow> {
  await takeWriterLock(trx)
  // Who acts is a check like any other (promise 10): an account disabled, or given another role, while this request
  // was on its way acts no more, though its session was good when the request began.
  if (ctx.staff) {
    const standing = await trx
      .selectFrom('staff_users')
      .select('id')
      .where('id', '=', ctx.staff.id)
      .where('status', '!=', 'disabled')
      .where('role', '=', ctx.staff.role)
      .executeTakeFirst()
    if (!standing) throw unauthenticated('Your account was changed or disabled meanwhile. Sign in again.')
  }
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  const row = buildAuditEntry(ctx.config.auditKey, ctx, event, last?.hash ?? GENESIS_HASH)
  await trx.insertInto('audit_log').values(row).execute()
  return row
}
