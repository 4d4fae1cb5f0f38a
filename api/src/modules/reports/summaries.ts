/**
 * The summaries every aggregate report reads, kept up to date as data changes (docs/decisions/0014-report-summaries.md).
 *
 * Triggers on customers and orders mark the customers whose counted figures may have changed (ids only: nothing about
 * them waits in the queue). A refresh recounts the marked customers in batches, one transaction each: it compares what
 * each was counted as (counted_customers, counted_sales) with what the base tables say now, and moves the difference
 * into the summaries (customer_cells, sales_cells, buyer_months). Recounting is idempotent, so a customer marked twice,
 * or a batch that fails and is tried again, counts once. Every report refreshes before it reads, so it always answers
 * from the data as it is; the server also refreshes every minute so that a report seldom has much to do. Birthdays move
 * customers between age bands with no write at all: each day the customers whose band changed since the last count are
 * marked by birth date.
 */
import { type Database, yearMonth } from '@verity/db'
import { type Kysely, sql } from 'kysely'
import { latestBirthDateForAge, utcDay } from '../../platform/age.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { ageBand, BAND_LIMITS } from './age-bands.js'
import { recordKeys, recordKeysId } from './cell-key.js'

const TWO_32 = 2 ** 32
/** Customers recounted per transaction: a refresh never holds writers back for long. */
const BATCH = 2_000
/** Rows per multi-row insert, well under either dialect's limit on parameters. */
const CHUNK = 500

/** Orders that brought no money in are not sales: cancelled and refunded ones are left out of every figure. */
export const NOT_SALES = ['cancelled', 'refunded'] as const

export interface SummaryContext {
  now: Date
  config: { auditKey: Uint8Array }
}

/** The calendar periods a month falls in, from the widest: all time, its year, its quarter, itself. */
export function periodsOf(month: string) {
  const year = month.slice(0, 4)
  return ['all', year, `${year}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`, month]
}

/** The first and last month of a period ('all', 'YYYY', 'YYYY-Qn' or 'YYYY-MM'), as YYYY-MM. */
export function monthsOf(period: string): [string, string] | null {
  if (period === 'all') return null
  if (/^\d{4}$/.test(period)) return [`${period}-01`, `${period}-12`]
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period)
  if (quarter) {
    const last = Number(quarter[2]) * 3
    return [`${quarter[1]}-${String(last - 2).padStart(2, '0')}`, `${quarter[1]}-${String(last).padStart(2, '0')}`]
  }
  return [period, period]
}

const published = new WeakMap<Kysely<Database>, Map<string, { version: number; value: Promise<unknown> }>>()
/** The published tables kept per database: the last this many asked. */
const PUBLISHED_KEPT = 200

/**
 * A published table answers the same until a summary changes: kept by the summaries' version, it is computed once per
 * change however often it is asked. The version lives in the database, so every server sharing it agrees.
 */
export function sameUntilChanged<T>(db: Kysely<Database>, name: string, version: number, compute: () => Promise<T>): Promise<T> {
  let kept = published.get(db)
  if (!kept) published.set(db, (kept = new Map()))
  const hit = kept.get(name)
  if (hit && hit.version === version) {
    // Most recently used last, so the first is the one to drop.
    kept.delete(name)
    kept.set(name, hit)
    return hit.value as Promise<T>
  }
  const value = compute()
  kept.set(name, { version, value })
  value.catch(() => kept.delete(name))
  if (kept.size > PUBLISHED_KEPT) kept.delete(kept.keys().next().value!)
  return value
}

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK))
}

const state = (db: Kysely<Database>) =>
  db.selectFrom('report_state').select(['as_of', 'version', 'record_keys']).where('id', '=', 1).executeTakeFirstOrThrow()

/**
 * Brings every summary up to date and answers its version (which changes whenever a summary does) and the day its age
 * bands are counted on. With nothing to do it reads two small rows and writes nothing.
 */
export async function refreshSummaries(
  db: Kysely<Database>,
  ctx: SummaryContext,
  /** asked between batches: a stopping server ends a long recount there, and the next start carries on */
  stopping: () => boolean = () => false,
): Promise<{ version: number; asOf: string }> {
  const today = utcDay(ctx.now)
  const keys = recordKeysId(ctx.config.auditKey)
  let current = await state(db)
  if (current.as_of === null || current.as_of < today || current.record_keys !== keys) {
    await inTransaction(db, (trx) => markChanges(trx, today, keys))
  }
  const pending = await db.selectFrom('report_dirty').select('customer_id').limit(1).executeTakeFirst()
  if (pending) while (!stopping() && (await inTransaction(db, (trx) => recountBatch(trx, ctx)))) {}
  current = await state(db)
  return { version: current.version, asOf: current.as_of! }
}

/**
 * Marks the customers a day's passing or a new record key changed: on a new day, those whose birthday since the last
 * count took them into another band; with another key, everyone (each cell key is a sum of record keys).
 */
async function markChanges(trx: Trx, today: string, keys: string) {
  const { as_of: asOf, record_keys: countedWith } = await state(trx)
  // The customers born after `after` and up to `upTo` (any with a birth date, or everyone, without them).
  const mark = (after?: string, upTo?: string) => {
    // A WHERE always: SQLite would read ON CONFLICT straight after the FROM as a join's ON.
    let who = trx
      .selectFrom('customers')
      .select('id')
      .where(sql<boolean>`true`)
    if (after && upTo) who = who.where('birth_date', '>', after).where('birth_date', '<=', upTo)
    return trx
      .insertInto('report_dirty')
      .columns(['customer_id'])
      .expression(who)
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
  if (countedWith !== keys) {
    await trx.deleteFrom('counted_customers').execute()
    await trx.deleteFrom('customer_cells').execute()
    await mark()
  } else if (asOf !== null && asOf < today) {
    for (const limit of BAND_LIMITS) {
      // ageOn(b, day) >= limit exactly when b <= latestBirthDateForAge(day, limit): those who reached the limit since.
      await mark(latestBirthDateForAge(asOf, limit), latestBirthDateForAge(today, limit))
    }
  }
  // Never back: a server whose clock is behind another's counts on the later day.
  const day = asOf !== null && asOf > today ? asOf : today
  await trx.updateTable('report_state').set({ as_of: day, record_keys: keys }).where('id', '=', 1).execute()
}

/** Recounts up to one batch of marked customers; answers how many. */
async function recountBatch(trx: Trx, ctx: SummaryContext): Promise<number> {
  const ids = (await trx.selectFrom('report_dirty').select('customer_id').orderBy('customer_id').limit(BATCH).execute()).map(
    (r) => r.customer_id,
  )
  if (!ids.length) return 0
  await recountAndDequeue(trx, ctx, ids)
  return ids.length
}

/**
 * Recounts these customers now, inside the caller's transaction, and takes them off the queue: an erasure calls it so
 * that nothing the summaries held about the person outlives the erasure's commit.
 */
export async function recountNow(trx: Trx, ctx: SummaryContext, ids: number[]) {
  const { as_of: asOf, record_keys: countedWith } = await state(trx)
  // Before the first refresh (or with another key) everything is recounted then anyway.
  if (asOf === null || countedWith !== recordKeysId(ctx.config.auditKey)) return
  await recountAndDequeue(trx, ctx, ids)
}

/** Recounts customers, takes them off the queue and bumps the summaries' version: one step, in the caller's transaction. */
async function recountAndDequeue(trx: Trx, ctx: SummaryContext, ids: number[]) {
  await recountCustomers(trx, ctx, ids)
  await trx.deleteFrom('report_dirty').where('customer_id', 'in', ids).execute()
  await trx
    .updateTable('report_state')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .execute()
}

type Place = { country: string; region: string }

async function recountCustomers(trx: Trx, ctx: SummaryContext, ids: number[]) {
  const { as_of: day } = await state(trx)
  const people = await trx
    .selectFrom('customers')
    .where('id', 'in', ids)
    .select(['id', 'birth_date', 'gender', 'country', 'region', 'status', yearMonth(trx, sql.ref('created_at')).as('signup_month')])
    .execute()
  const places = new Map<number, Place>(people.map((p) => [p.id, { country: p.country ?? 'unknown', region: p.region ?? 'unknown' }]))
  const keyOf = recordKeys(ctx.config.auditKey)
  await recountPeople(
    trx,
    ids,
    people
      .filter((p) => p.status !== 'erased')
      .map((p) => ({
        customer_id: p.id,
        age_band: ageBand(p.birth_date, day!),
        gender: p.gender ?? 'unknown',
        signup_month: p.signup_month,
        ...places.get(p.id)!,
      })),
    keyOf,
  )
  await recountSales(trx, ids, places)
}

const CELL_DIMENSIONS = ['signup_month', 'age_band', 'gender', 'country', 'region'] as const
type CountedPerson = Omit<Database['counted_customers'], never>

/** Demographics: each customer leaves the cell they were counted in and joins the one they are in now. */
async function recountPeople(trx: Trx, ids: number[], now: CountedPerson[], keyOf: (id: number) => number) {
  const before = await trx.selectFrom('counted_customers').selectAll().where('customer_id', 'in', ids).execute()
  const cells = new Map<string, Database['customer_cells']>()
  const move = (p: CountedPerson, sign: 1 | -1) => {
    const name = JSON.stringify(CELL_DIMENSIONS.map((d) => p[d]))
    const cell = cells.get(name) ?? { ...Object.fromEntries(CELL_DIMENSIONS.map((d) => [d, p[d]])), customers: 0, key_sum: 0 }
    cell.customers += sign
    cell.key_sum += sign * keyOf(p.customer_id)
    cells.set(name, cell as Database['customer_cells'])
  }
  for (const p of before) move(p, -1)
  for (const p of now) move(p, 1)
  const changes = [...cells.values()]
    .map((c) => ({ ...c, key_sum: ((c.key_sum % TWO_32) + TWO_32) % TWO_32 }))
    .filter((c) => c.customers !== 0 || c.key_sum !== 0)
  await inChunks(changes, (chunk) =>
    trx
      .insertInto('customer_cells')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns([...CELL_DIMENSIONS]).doUpdateSet({
          customers: sql`customer_cells.customers + excluded.customers`,
          key_sum: sql`(customer_cells.key_sum + excluded.key_sum) % ${sql.lit(TWO_32)}`,
        }),
      )
      .execute(),
  )
  if (changes.some((c) => c.customers < 0)) await trx.deleteFrom('customer_cells').where('customers', '=', 0).execute()
  await trx.deleteFrom('counted_customers').where('customer_id', 'in', ids).execute()
  await inChunks(now, (chunk) => trx.insertInto('counted_customers').values(chunk).execute())
}

type Sale = Database['counted_sales']
type Contribution = { orders: number; revenue: number }
const SALES_CELL = ['period', 'country', 'region', 'currency'] as const

/** Each customer's contribution to every sales cell (every period their months fall in), by cell name. */
function contributions(rows: Sale[]) {
  const byCustomer = new Map<number, Map<string, Contribution & { key: Record<(typeof SALES_CELL)[number], string> }>>()
  for (const r of rows) {
    const cells = byCustomer.get(r.customer_id) ?? new Map()
    for (const period of periodsOf(r.month)) {
      const key = { period, country: r.country, region: r.region, currency: r.currency }
      const name = JSON.stringify(SALES_CELL.map((d) => key[d]))
      const c = cells.get(name) ?? { key, orders: 0, revenue: 0 }
      c.orders += Number(r.orders)
      c.revenue += Number(r.revenue)
      cells.set(name, c)
    }
    byCustomer.set(r.customer_id, cells)
  }
  return byCustomer
}

/** Commerce and buyers: each customer's sales per month and currency, in their current place, recounted from orders. */
async function recountSales(trx: Trx, ids: number[], places: Map<number, Place>) {
  const month = yearMonth(trx, sql.ref('placed_at'))
  const now: Sale[] = (
    await trx
      .selectFrom('orders')
      .where((eb) => eb.or([eb('customer_id', 'in', ids), ...(ids.includes(0) ? [eb('customer_id', 'is', null)] : [])]))
      .where('status', 'not in', NOT_SALES)
      .select([
        'customer_id',
        month.as('month'),
        'currency',
        (eb) => eb.fn.countAll<number | string>().as('orders'),
        (eb) => eb.fn.sum<number | string>('total_cents').as('revenue'),
      ])
      .groupBy(['customer_id', month, 'currency'])
      .execute()
  ).map((r) => {
    // Orders without a customer (none today) count as one contributor together, which only hides more.
    const customer = r.customer_id ?? 0
    const place = places.get(customer) ?? { country: 'unknown', region: 'unknown' }
    return { customer_id: customer, month: r.month, currency: r.currency, ...place, orders: Number(r.orders), revenue: Number(r.revenue) }
  })
  const before = await trx.selectFrom('counted_sales').selectAll().where('customer_id', 'in', ids).execute()

  // Sales cells: orders, revenue and customers move by the difference; the largest contribution can only be raised
  // here, so a cell where someone's contribution fell is measured again once counted_sales holds the new figures.
  const [old, fresh] = [contributions(before), contributions(now)]
  const cells = new Map<string, Database['sales_cells'] & { fell: boolean }>()
  for (const id of ids) {
    const was = old.get(id) ?? new Map()
    const is = fresh.get(id) ?? new Map()
    for (const name of new Set([...was.keys(), ...is.keys()])) {
      const [o, n] = [was.get(name), is.get(name)]
      const key = (n ?? o)!.key
      const cell = cells.get(name) ?? { ...key, orders: 0, revenue: 0, customers: 0, largest: 0, fell: false }
      cell.orders += (n?.orders ?? 0) - (o?.orders ?? 0)
      cell.revenue += (n?.revenue ?? 0) - (o?.revenue ?? 0)
      cell.customers += (n ? 1 : 0) - (o ? 1 : 0)
      cell.largest = Math.max(cell.largest, n?.revenue ?? 0)
      cell.fell ||= !!o && (!n || n.revenue < o.revenue)
      cells.set(name, cell)
    }
  }
  const changes = [...cells.values()]
  await inChunks(changes, (chunk) =>
    trx
      .insertInto('sales_cells')
      .values(chunk.map(({ fell: _, ...c }) => c))
      .onConflict((oc) =>
        oc.columns([...SALES_CELL]).doUpdateSet({
          orders: sql`sales_cells.orders + excluded.orders`,
          revenue: sql`sales_cells.revenue + excluded.revenue`,
          customers: sql`sales_cells.customers + excluded.customers`,
          largest: sql`case when excluded.largest > sales_cells.largest then excluded.largest else sales_cells.largest end`,
        }),
      )
      .execute(),
  )
  await trx.deleteFrom('counted_sales').where('customer_id', 'in', ids).execute()
  await inChunks(now, (chunk) => trx.insertInto('counted_sales').values(chunk).execute())
  for (const cell of changes.filter((c) => c.fell)) await measureLargest(trx, cell)
  if (changes.some((c) => c.customers < 0)) await trx.deleteFrom('sales_cells').where('customers', '=', 0).execute()

  await recountBuyers(trx, before, now)
}

/** The most one customer spent in a sales cell, measured again from counted_sales. */
async function measureLargest(trx: Trx, cell: Pick<Database['sales_cells'], (typeof SALES_CELL)[number]>) {
  const months = monthsOf(cell.period)
  let spent = trx
    .selectFrom('counted_sales')
    .where('country', '=', cell.country)
    .where('region', '=', cell.region)
    .where('currency', '=', cell.currency)
    .select((eb) => eb.fn.sum<number | string>('revenue').as('spent'))
    .groupBy('customer_id')
  if (months) spent = spent.where('month', '>=', months[0]).where('month', '<=', months[1])
  const { largest } = await trx
    .selectFrom(spent.as('s'))
    .select((eb) => eb.fn.max<number | string | null>('s.spent').as('largest'))
    .executeTakeFirstOrThrow()
  await trx
    .updateTable('sales_cells')
    .set({ largest: Number(largest ?? 0) })
    .where('period', '=', cell.period)
    .where('country', '=', cell.country)
    .where('region', '=', cell.region)
    .where('currency', '=', cell.currency)
    .execute()
}

/** Buyers per month: a customer is new in the month of their first sale and returning in every later month they buy. */
async function recountBuyers(trx: Trx, before: Sale[], now: Sale[]) {
  const months = new Map<string, { new_buyers: number; returning_buyers: number }>()
  const count = (rows: Sale[], sign: 1 | -1) => {
    const byCustomer = new Map<number, Set<string>>()
    for (const r of rows) if (r.customer_id !== 0) byCustomer.set(r.customer_id, (byCustomer.get(r.customer_id) ?? new Set()).add(r.month))
    for (const bought of byCustomer.values()) {
      const first = [...bought].sort()[0]
      for (const month of bought) {
        const m = months.get(month) ?? { new_buyers: 0, returning_buyers: 0 }
        if (month === first) m.new_buyers += sign
        else m.returning_buyers += sign
        months.set(month, m)
      }
    }
  }
  count(before, -1)
  count(now, 1)
  const changes = [...months].map(([month, m]) => ({ month, ...m })).filter((m) => m.new_buyers !== 0 || m.returning_buyers !== 0)
  await inChunks(changes, (chunk) =>
    trx
      .insertInto('buyer_months')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('month').doUpdateSet({
          new_buyers: sql`buyer_months.new_buyers + excluded.new_buyers`,
          returning_buyers: sql`buyer_months.returning_buyers + excluded.returning_buyers`,
        }),
      )
      .execute(),
  )
  if (changes.some((m) => m.new_buyers < 0 || m.returning_buyers < 0))
    await trx.deleteFrom('buyer_months').where('new_buyers', '=', 0).where('returning_buyers', '=', 0).execute()
}

/**
 * Refreshes the summaries now and then every `intervalMs`, so that a report seldom finds much to recount. A refresh
 * that fails is tried again next time (reports refresh before they read anyway); `stop` waits for the batch under way.
 */
export function startSummaryRefresh(db: Kysely<Database>, context: () => SummaryContext, intervalMs = 60_000) {
  let running: Promise<unknown> | null = null
  let stopped = false
  const run = () => {
    // One at a time: a long recount (after a bulk import) is not joined by another.
    running ??= refreshSummaries(db, context(), () => stopped)
      .catch((e: unknown) =>
        console.error(`Report summaries could not be refreshed, to be tried again: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => (running = null))
  }
  run()
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return {
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
