import type { Kysely } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// Erasing a customer deletes their search hits, reset links and access exports, and clears their break-glass grants'
// reasons. Search hits and grants were indexed by staff member first, reset links and exports not by whom they concern
// at all, so each erasure read the four tables whole, holding every writer back: 40 ms at 577,000 search hits, and an
// agent's search adds up to a hundred. By customer (or request) first, an erasure reads only its customer's rows, and
// the lookups that name both a staff member and a customer (what this agent's searches found; this officer's grant)
// read as few rows as before. Kysely runs a SQLite migration outside a transaction: each step may be run again after a
// crash, and the new indexes exist before the old go.
export async function up(db: Kysely<any>): Promise<void> {
  const index = (name: string) => db.schema.createIndex(name).ifNotExists()
  await index('search_hits_customer_idx').on('search_hits').columns(['customer_id', 'staff_id', 'at']).execute()
  await index('unmask_grants_customer_idx').on('unmask_grants').columns(['customer_id', 'staff_id', 'expires_at']).execute()
  await index('password_reset_tokens_customer_idx').on('password_reset_tokens').column('customer_id').execute()
  await index('request_exports_request_idx').on('request_exports').column('request_id').execute()
  await db.schema.dropIndex('search_hits_lookup_idx').ifExists().execute()
  await db.schema.dropIndex('unmask_grants_lookup_idx').ifExists().execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  const index = (name: string) => db.schema.createIndex(name).ifNotExists()
  await index('search_hits_lookup_idx').on('search_hits').columns(['staff_id', 'customer_id', 'at']).execute()
  await index('unmask_grants_lookup_idx').on('unmask_grants').columns(['staff_id', 'customer_id', 'expires_at']).execute()
  for (const name of [
    'request_exports_request_idx',
    'password_reset_tokens_customer_idx',
    'unmask_grants_customer_idx',
    'search_hits_customer_idx',
  ])
    await db.schema.dropIndex(name).ifExists().execute()
}
