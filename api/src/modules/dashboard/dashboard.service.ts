import { type Database, FLAG_KINDS, type FlagKind } from '@verity/db'
import type { Kysely } from 'kysely'
import type { StaffContext } from '../../platform/context.js'
import type { ListQuery } from '../../platform/list.js'
import { type DisclosureFilter, listDisclosures } from '../disclosures/disclosures.service.js'
import { listOutbox } from '../outbox/outbox.service.js'
import { listRequests, type RequestFilter } from '../requests/requests.service.js'
import { listGrants } from '../grants/grants.service.js'
import { listStaff, type StaffFilter } from '../staff/staff.service.js'

/**
 * The work waiting for the signed-in staff member, as counts. Each count is the total of the list it links to, asked
 * with that list's own filter, so the number on the dashboard is the number of rows the list shows.
 */
export type Dashboard =
  | {
      role: 'compliance'
      requests: RequestQueues
      disclosures: DisclosureQueues
      outbox: { failed: number }
      flags: FlagQueues
      grants: GrantQueues
    }
  | { role: 'agent'; requests: RequestQueues }
  | { role: 'admin'; staff: { active: number; disabled: number }; grants: GrantQueues }
  | { role: 'manager' }

type RequestQueues = Record<NonNullable<RequestFilter['due']>, number>
type DisclosureQueues = { notice_due: number; review_due: number; holds: number }
type FlagQueues = { open: number; kinds: Record<FlagKind, number> }
type GrantQueues = { pending: number }

/** One row is enough: a list's total is the count. */
const first = <S extends string, F>(field: S, filter: F): ListQuery<S, F> => ({
  sort: { field, order: 'asc' },
  offset: 0,
  limit: 1,
  filter,
})

async function requestQueues(db: Kysely<Database>, ctx: StaffContext): Promise<RequestQueues> {
  const count = async (due: RequestFilter['due']) => (await listRequests(db, ctx, first('id', { due }))).total
  const [overdue, this_week, later] = await Promise.all([count('overdue'), count('this_week'), count('later')])
  return { overdue, this_week, later }
}

async function disclosureQueues(db: Kysely<Database>, ctx: StaffContext): Promise<DisclosureQueues> {
  const count = async (queue: DisclosureFilter['queue']) => (await listDisclosures(db, ctx, first('id', { queue }))).total
  const [notice_due, review_due, holds] = await Promise.all([count('notice_due'), count('review_due'), count('holds')])
  return { notice_due, review_due, holds }
}

/** Open flags by kind in one query: the flag list's `open` filter is `resolved_at is null`. */
async function flagQueues(db: Kysely<Database>): Promise<FlagQueues> {
  const rows = await db
    .selectFrom('flags')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('resolved_at', 'is', null)
    .groupBy('kind')
    .execute()
  const kinds = Object.fromEntries(FLAG_KINDS.map((k) => [k, Number(rows.find((r) => r.kind === k)?.n ?? 0)])) as Record<FlagKind, number>
  return { open: Object.values(kinds).reduce((a, b) => a + b, 0), kinds }
}

async function grantQueues(db: Kysely<Database>): Promise<GrantQueues> {
  return { pending: (await listGrants(db, first('id', { status: 'pending' as const }))).total }
}

async function staffCounts(db: Kysely<Database>) {
  const count = async (status: StaffFilter['status']) => (await listStaff(db, first('id', { status }))).total
  const [active, disabled] = await Promise.all([count('active'), count('disabled')])
  return { active, disabled }
}

/** Only what the caller's role may list: compliance its queues, an agent the requests they filed, an admin the staff. */
export async function dashboard(db: Kysely<Database>, ctx: StaffContext): Promise<Dashboard> {
  switch (ctx.staff.role) {
    case 'compliance': {
      const [requests, disclosures, failed, flags, grants] = await Promise.all([
        requestQueues(db, ctx),
        disclosureQueues(db, ctx),
        listOutbox(db, first('id', { status: 'failed' as const })).then((r) => r.total),
        flagQueues(db),
        grantQueues(db),
      ])
      return { role: 'compliance', requests, disclosures, outbox: { failed }, flags, grants }
    }
    case 'agent':
      return { role: 'agent', requests: await requestQueues(db, ctx) }
    case 'admin':
      return { role: 'admin', staff: await staffCounts(db), grants: await grantQueues(db) }
    case 'manager':
      return { role: 'manager' }
  }
}
