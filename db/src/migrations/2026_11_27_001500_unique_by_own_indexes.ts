import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: this file depends on nothing but Kysely.
// On SQLite a customer's email and an order's number are kept unique by indexes of their own rather than by their
// tables' definitions. SQLite cannot drop the index a column constraint makes, so a seed kept both up to date a row at a
// time, in random order: 17 of 75 seconds for a million customers and three million orders. Named indexes the seed sets
// aside and builds again at the end from sorted rows, as it does the others.
// SQLite cannot drop a constraint either, so each table is made again with its rows, ids, id counter, indexes and
// triggers (https://www.sqlite.org/lang_altertable.html#otheralter), in one transaction, with foreign keys off so that
// dropping the old table touches no row that refers to it. PostgreSQL's seed keeps its indexes: its tables stay as they were.

interface Unique {
  table: string
  column: string
  index: string
}

const UNIQUES: readonly Unique[] = [
  { table: 'customers', column: 'email', index: 'customers_email_unique' },
  { table: 'orders', column: 'number', index: 'orders_number_unique' },
]

/** Whether the table's own definition keeps the column unique (SQLite names the index it makes sqlite_autoindex_…). */
async function uniqueByDefinition(db: Kysely<any>, { table }: Unique): Promise<boolean> {
  const { rows } =
    await sql`select 1 from sqlite_master where type = 'index' and tbl_name = ${table} and name like ${`sqlite_autoindex_${table}_%`}`.execute(
      db,
    )
  return rows.length > 0
}

/** Makes the table again, its column unique by its definition or by the named index. */
async function remake(db: Kysely<any>, unique: Unique, by: 'definition' | 'index'): Promise<void> {
  const { table, column, index } = unique
  const { rows } = await sql<{ type: string; name: string; sql: string }>`select type, name, sql from sqlite_master
    where tbl_name = ${table} and sql is not null and name <> ${index}`.execute(db)
  const dependents = rows.filter((r) => r.type !== 'table')
  const definition = rows.find((r) => r.type === 'table')!.sql.replace(`CREATE TABLE "${table}"`, `CREATE TABLE "${table}_remade"`)
  const remade =
    by === 'index'
      ? definition.replace(new RegExp(`("${column}" text(?: not null)?) unique(?=[,)])`), '$1')
      : definition.replace(new RegExp(`("${column}" text(?: not null)?)(?=[,)])`), '$1 unique')
  if (remade === definition || !remade.startsWith(`CREATE TABLE "${table}_remade"`)) throw new Error(`${table}: unexpected definition`)
  const counter = await sql<{ seq: number }>`select seq from sqlite_sequence where name = ${table}`.execute(db)
  await sql.raw(remade).execute(db)
  await sql`insert into ${sql.id(`${table}_remade`)} select * from ${sql.id(table)} order by rowid`.execute(db)
  await sql`drop table ${sql.id(table)}`.execute(db)
  await sql`alter table ${sql.id(`${table}_remade`)} rename to ${sql.id(table)}`.execute(db)
  // Ids are never given again, even those of rows deleted from the end.
  if (counter.rows[0]) await sql`update sqlite_sequence set seq = max(seq, ${counter.rows[0].seq}) where name = ${table}`.execute(db)
  if (by === 'index') await db.schema.createIndex(index).unique().on(table).column(column).execute()
  for (const { sql: dependent } of dependents) await sql.raw(dependent).execute(db)
}

/**
 * Kysely runs SQLite's migrations outside a transaction, on a connection it holds (where a Kysely transaction cannot
 * begin): foreign keys off (a pragma that does nothing inside a transaction), then a savepoint on that connection makes
 * the work one transaction, which ends only if every row still points at a row that exists.
 */
async function remakeAll(db: Kysely<any>, by: 'definition' | 'index'): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return
  const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)
  await sql`pragma foreign_keys = off`.execute(db)
  try {
    await sql`savepoint unique_by_own_indexes`.execute(db)
    try {
      // Each table once: nothing to do when it was done already (a crash between the commit and the migrator's record).
      for (const unique of UNIQUES) if ((await uniqueByDefinition(db, unique)) === (by === 'index')) await remake(db, unique, by)
      const broken = await sql`pragma foreign_key_check`.execute(db)
      if (broken.rows.length) throw new Error(`rows point at rows that do not exist: ${JSON.stringify(broken.rows.slice(0, 5))}`)
    } catch (e) {
      await sql`rollback to unique_by_own_indexes`.execute(db)
      throw e
    } finally {
      await sql`release unique_by_own_indexes`.execute(db)
    }
  } finally {
    await sql.raw(`pragma foreign_keys = ${rows[0]?.foreign_keys ? 'on' : 'off'}`).execute(db)
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await remakeAll(db, 'index')
}

export async function down(db: Kysely<any>): Promise<void> {
  await remakeAll(db, 'definition')
}
