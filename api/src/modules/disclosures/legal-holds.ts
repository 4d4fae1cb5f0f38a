import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'

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
