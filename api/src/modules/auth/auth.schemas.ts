import { z } from 'zod'
import { MIN_PASSWORD_LENGTH } from '../../platform/passwords.js'
import { recordId } from '../../platform/validation.js'

export const email = z
  .email('Enter a valid email address')
  .max(254)
  .transform((e) => e.toLowerCase())

export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'At most 200 characters')

export const LoginBody = z.strictObject({
  email,
  password: z.string().min(1, 'Required').max(200),
})

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1, 'Required').max(200),
  newPassword,
})

/** A TOTP code or a recovery code, as typed. */
export const FactorCodeBody = z.strictObject({ code: z.string().trim().min(1, 'Required').max(40) })

export const Me = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'compliance', 'manager', 'admin']),
})

/** A session's handle (platform/session.ts sessionHandle): 32 hex digits. */
export const sessionHandleSchema = z.string().regex(/^[0-9a-f]{32}$/, 'Not a session')
export const OwnSessionParam = z.object({ id: sessionHandleSchema })
export const StaffSessionParam = z.object({ id: recordId, sid: sessionHandleSchema })
export const StaffSessionsParam = z.object({ id: recordId })
