import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely, and folds with its own copy of foldName as it was written.
const DROPPED_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670]/g
function fold(name: string | null): string | null {
  if (name == null) return null
  return name.normalize('NFKD').toLowerCase().replace(DROPPED_MARKS, '').normalize('NFKC').replace(/\s+/g, ' ').trim()
}

const BATCH = 5_000

/**
 * Names searched in any script: SQLite's lower() folds ASCII only, so "ÉLODIE" never found Élodie. The folded names are
 * computed in TypeScript, stored beside the names and indexed in place of lower(first_name) and lower(last_name).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.alterTable('customers').addColumn('first_name_folded', 'text').execute()
  await db.schema.alterTable('customers').addColumn('last_name_folded', 'text').execute()

  // In batches by id, one UPDATE each, so that a million customers take a few hundred statements.
  for (let after = 0; ;) {
    const rows: { id: number; first_name: string | null; last_name: string | null }[] = await db
      .selectFrom('customers')
      .select(['id', 'first_name', 'last_name'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()
    if (!rows.length) break
    after = rows[rows.length - 1]!.id
    const folded = rows.filter((r) => r.first_name != null || r.last_name != null)
    if (!folded.length) continue
    if (pg) {
      await sql`update customers as c set first_name_folded = v.f, last_name_folded = v.l
        from unnest(${folded.map((r) => r.id)}::integer[], ${folded.map((r) => fold(r.first_name))}::text[],
                    ${folded.map((r) => fold(r.last_name))}::text[]) as v(id, f, l)
        where c.id = v.id`.execute(db)
    } else {
      const json = JSON.stringify(folded.map((r) => [r.id, fold(r.first_name), fold(r.last_name)]))
      await sql`update customers set first_name_folded = v.value ->> '$[1]', last_name_folded = v.value ->> '$[2]'
        from json_each(${json}) as v
        where customers.id = v.value ->> '$[0]'`.execute(db)
    }
  }

  await db.schema.dropIndex('customers_name_idx').execute()
  await db.schema.dropIndex('customers_first_name_idx').execute()
  await db.schema.createIndex('customers_name_folded_idx').on('customers').columns(['last_name_folded', 'first_name_folded']).execute()
  await db.schema.createIndex('customers_first_name_folded_idx').on('customers').column('first_name_folded').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('customers_first_name_folded_idx').execute()
  await db.schema.dropIndex('customers_name_folded_idx').execute()
  await sql`create index customers_name_idx on customers (lower(last_name), lower(first_name))`.execute(db)
  await sql`create index customers_first_name_idx on customers (lower(first_name))`.execute(db)
  await db.schema.alterTable('customers').dropColumn('last_name_folded').execute()
  await db.schema.alterTable('customers').dropColumn('first_name_folded').execute()
}
