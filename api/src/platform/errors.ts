import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'invalid_code'
  | 'account_pending'
  | 'fresh_factor_required'
  | 'forbidden'
  | 'origin_rejected'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_many_attempts'
  | 'payload_too_large'
  | 'internal'

/**
 * Why a request was refused, for clients to say it in the user's language (the console translates these): the
 * refusals an agent must act on during a call.
 */
export type ErrorReason =
  | 'agent_paused'
  | 'customer_locked'
  | 'verification_superseded'
  | 'verification_expired'
  | 'lookup_rate'
  | 'phone_incomplete'
  | 'codes_per_day'
  | 'reset_links_per_day'
  | 'password_link_invalid'
  | 'sign_in_throttled'
  | 'legal_hold'
  | 'invalid_credentials'
  | 'export_budget_spent'
  | 'subject_identifier'
  | 'sign_in_again'

/** field name → message, the shape react-admin forms show beside each input */
export type FieldErrors = Record<string, string>

/** A domain error: services throw it, the one error handler turns it into the JSON body of docs/design.md. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
    /** why, as a stable key (see ErrorReason), with the numbers a message names */
    public reason?: { key: ErrorReason; values?: Record<string, number> },
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** Names why an error was raised, so that a client can say it in its user's language. */
export function because<E extends AppError>(key: ErrorReason, error: E, values?: Record<string, number>): E {
  error.reason = { key, values }
  return error
}

export const badRequest = (message: string, fields?: FieldErrors) =>
  new AppError(400, fields ? 'validation_failed' : 'bad_request', message, fields)
export const unauthenticated = (message = 'Sign in to continue.') => new AppError(401, 'unauthenticated', message)
export const forbidden = (message = 'Your role does not allow this.') => new AppError(403, 'forbidden', message)
export const notFound = (what = 'Record') => new AppError(404, 'not_found', `${what} not found.`)
export const conflict = (message: string, fields?: FieldErrors) => new AppError(409, 'conflict', message, fields)
export const unprocessable = (message: string, fields?: FieldErrors) => new AppError(422, 'unprocessable', message, fields)
export const tooManyAttempts = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'too_many_attempts', message, undefined, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  })

const codeForStatus = (status: number): ErrorCode =>
  (
    ({
      400: 'bad_request',
      401: 'unauthenticated',
      403: 'forbidden',
      404: 'not_found',
      409: 'conflict',
      413: 'payload_too_large',
      422: 'unprocessable',
      429: 'too_many_attempts',
    }) as const
  )[status as 400] ?? 'internal'

export function errorBody(code: ErrorCode, message: string, fields?: FieldErrors, reason?: AppError['reason']) {
  return { error: { code, message, ...(fields ? { fields } : {}), ...(reason ? { reason: reason.key, values: reason.values ?? {} } : {}) } }
}

/** A unique index refused the write (SQLite or PostgreSQL): another request took the value first. */
function isUniqueViolation(err: Error): boolean {
  const code = (err as { code?: unknown }).code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505'
}

/** The one error path: domain errors keep their status, framework errors are named, anything else is a logged 500. */
export function handleError(err: Error, c: Context) {
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v)
    return c.json(errorBody(err.code, err.message, err.fields, err.reason), err.status)
  }
  if (isUniqueViolation(err)) {
    return c.json(errorBody('conflict', 'That value is already taken by another record.'), 409)
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    const message = status === 400 && /JSON/i.test(err.message) ? 'Malformed JSON in request body.' : err.message || 'Request refused.'
    return c.json(errorBody(codeForStatus(status), message), status)
  }
  console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path} failed:`, err)
  return c.json(errorBody('internal', 'Something went wrong on our side. Nothing was changed.'), 500)
}
