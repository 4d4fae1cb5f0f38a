import { type Database, lockForUpdate } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import type { Trx } from '../../platform/transaction.js'

/** Whether a customer is under legal hold now: the bare fact, which other roles may see where it blocks them. */
export async function isUnderLegalHold(db: Kysely<Database>, customerId: number): Promise<boolean> {
  const hold = await db
    .selectFrom('legal_holds')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('released_at', 'is', null)
    .executeTakeFirst()
  return !!hold
}

/**
 * Puts each customer not already held by this record under its hold. Runs in the caller's transaction, after the caller
 * has locked the disclosure row, so two requests on one record cannot both find a customer unheld and hold them twice.
 */
export async function placeHolds(trx: Trx, ctx: StaffContext, input: { disclosureId: number; customerIds: number[] }) {
  const held = await trx
    .selectFrom('legal_holds')
    .select('customer_id')
    .where('disclosure_id', '=', input.disclosureId)
    .where('released_at', 'is', null)
    .execute()
  const placedAt = ctx.now.toISOString()
  // The customers are locked first, as an erasure locks its customer: a hold and an erasure of one customer never cross.
  const customerIds = [...new Set(input.customerIds)].sort((a, b) => a - b)
  if (customerIds.length)
    await lockForUpdate(trx, trx.selectFrom('customers').select('id').where('id', 'in', customerIds).orderBy('id')).execute()
  for (const customerId of customerIds) {
    if (held.some((h) => h.customer_id === customerId)) continue
    await trx
      .insertInto('legal_holds')
      .values({
        disclosure_id: input.disclosureId,
        customer_id: customerId,
        placed_at: placedAt,
        placed_by: ctx.staff.id,
        released_at: null,
        released_by: null,
        release_reason: null,
      })
      .execute()
    await audit(trx, ctx, { action: 'legal_hold.place', entityType: 'disclosure', entityId: input.disclosureId, customerId })
  }
}

/**
 * Releases the record's holds still in force. The update itself is the check (`released_at IS NULL`), so of two
 * releases at once only one finds anything to release; answers the customers released, one audit entry each.
 */
export async function releaseHolds(trx: Trx, ctx: StaffContext, input: { disclosureId: number; reason: string }) {
  const released = await trx
    .updateTable('legal_holds')
    .set({ released_at: ctx.now.toISOString(), released_by: ctx.staff.id, release_reason: input.reason })
    .where('disclosure_id', '=', input.disclosureId)
    .where('released_at', 'is', null)
    .returning(['id', 'customer_id'])
    .execute()
  for (const hold of released) {
    await audit(trx, ctx, {
      action: 'legal_hold.release',
      entityType: 'disclosure',
      entityId: input.disclosureId,
      customerId: hold.customer_id,
    })
  }
  return released.map((h) => h.customer_id)
}
