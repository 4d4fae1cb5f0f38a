import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import type { SignedInStaff } from '../../platform/context.js'

export type AccessBasis = 'verification' | 'break_glass'
export interface CustomerAccess {
  basis: AccessBasis | null
  until: string | null
}

/**
 * Whether this staff member may see this customer unmasked now: an agent inside the window a passed verification
 * opened, or a compliance officer inside a written-reason grant (or a verification of their own). Enforced here, on the server.
 */
export async function customerAccess(db: Kysely<Database>, staff: SignedInStaff, customerId: number, now: Date): Promise<CustomerAccess> {
  const at = now.toISOString()
  const verified = await db
    .selectFrom('verifications')
    .select('unmasked_until')
    .where('staff_id', '=', staff.id)
    .where('customer_id', '=', customerId)
    .where('status', '=', 'verified')
    .where('unmasked_until', '>', at)
    .orderBy('unmasked_until', 'desc')
    .executeTakeFirst()
  if (verified?.unmasked_until) return { basis: 'verification', until: verified.unmasked_until }
  if (staff.role === 'compliance') {
    const grant = await db
      .selectFrom('unmask_grants')
      .select('expires_at')
      .where('staff_id', '=', staff.id)
      .where('customer_id', '=', customerId)
      .where('expires_at', '>', at)
      .orderBy('expires_at', 'desc')
      .executeTakeFirst()
    if (grant) return { basis: 'break_glass', until: grant.expires_at }
  }
  return { basis: null, until: null }
}
