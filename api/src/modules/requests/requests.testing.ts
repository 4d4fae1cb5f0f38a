import type { Database, DatabaseHandle } from '@verity/db'
import { tableNames } from '@verity/db/testing'
import { type Kysely, sql } from 'kysely'

/** Every value seeded for a customer that identifies them, read before an erasure (tests only). */
export async function personalValues(db: Kysely<Database>, customerId: number) {
  const c = await db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()
  const addresses = await db.selectFrom('addresses').selectAll().where('customer_id', '=', customerId).execute()
  const orders = await db.selectFrom('orders').selectAll().where('customer_id', '=', customerId).execute()
  const logs = await db.selectFrom('access_logs').selectAll().where('customer_id', '=', customerId).execute()
  const values = [
    c.email,
    c.phone,
    c.birth_date,
    `${c.first_name} ${c.last_name}`,
    c.guardian_name,
    ...addresses.flatMap((a) => [a.recipient_name, a.line1, a.phone]),
    ...orders.flatMap((o) => [o.ship_name, o.ship_address, o.ship_phone]),
    ...logs.map((l) => l.ip),
  ]
  return [...new Set(values.filter((v): v is string => !!v && v.length >= 6))]
}

/** Every text in every table, as `table: value`, sorted, to look for a value in (tests only; either dialect). */
export async function everyText(handle: Pick<DatabaseHandle, 'db' | 'dialect'>) {
  const texts: string[] = []
  for (const name of await tableNames(handle)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(handle.db)
    for (const row of rows.rows) for (const v of Object.values(row)) if (typeof v === 'string') texts.push(`${name}: ${v}`)
  }
  return texts.sort()
}
