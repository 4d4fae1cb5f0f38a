import { STAFF_ROLES } from '@verity/db'
import { z } from 'zod'
import { idFilter } from '../../platform/list.js'
import { email, newPassword } from '../auth/auth.schemas.js'
import { recordId } from '../../platform/validation.js'

const role = z.enum(STAFF_ROLES, 'Choose one of: agent, compliance, manager, admin')
const name = z.string().trim().min(1, 'Required').max(120)

/** No password: the new staff member sets their own from an emailed link (set-password.ts); sending one is refused. */
export const StaffCreate = z.strictObject({ email, name, role })
export const StaffUpdate = z
  .strictObject({
    // react-admin's edit form sends the whole record back: these read-only fields are accepted and ignored.
    id: z.number().optional(),
    email: z.string().optional(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
    last_login_at: z.string().nullable().optional(),
    factor: z.string().nullable().optional(),
    lacks_factor: z.boolean().optional(),
    pending_role: z.string().nullable().optional(),
    pending_grant_id: z.number().nullable().optional(),
    name: name.optional(),
    role: role.optional(),
    // 'pending' comes back from the edit form of an account waiting for its grant: it changes nothing
    status: z.enum(['active', 'disabled', 'pending']).optional(),
  })
  .transform(({ name, role, status }) => ({ name, role, status: status === 'pending' ? undefined : status }))
/** A reset sends a set-password link; an admin never chooses a password, so the body must be empty. */
export const StaffPasswordReset = z.strictObject({})

/** The public redemption of a set-password link; the password follows the same rule as any new password. */
export const SetPasswordBody = z.strictObject({
  token: z.string().min(1, 'Required').max(100),
  password: newPassword,
})

export const StaffFilter = z.strictObject({
  q: z.string().max(100).optional(),
  role: role.optional(),
  status: z.enum(['active', 'disabled', 'pending']).optional(),
  id: idFilter.optional(),
})

export const StaffIdParam = z.object({ id: recordId })
