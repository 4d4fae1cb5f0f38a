import { type Database, DATA_REQUEST_STATUSES, DATA_REQUEST_TYPES, type DisclosureType } from '@verity/db'
import type { Kysely } from 'kysely'
import { LAST_DAY } from '../../platform/validation.js'
import { band, BAND_BELOW, halfYear } from '../disclosures/disclosures.reports.js'

const DISCLOSURE_TYPES: DisclosureType[] = ['subpoena', 'search_warrant', 'court_order', 'emergency', 'preservation', 'regulator', 'other']

const HOUR_MS = 3_600_000
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString()

export function median(values: number[]): number | null {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const share = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : null)

/**
 * How the team is doing, for verifications and requests opened and disclosures received in a range (inclusive dates,
 * UTC; all time without them): the verification pass rate, requests by type and status, the share of completed
 * requests completed by their due date and the median hours to complete, and disclosures by type per half-year as
 * banded counts (as the transparency report shows them). Counts of the team's work, not of customers' traits.
 */
export async function operations(db: Kysely<Database>, { from, to }: { from?: string; to?: string }) {
  const start = from ? `${from}T00:00:00.000Z` : null
  // the calendar's last day has no next day to stop before (validation.ts): the range then runs to the end of time
  const end = to && to < LAST_DAY ? nextDay(to) : null
  let verifications = db
    .selectFrom('verifications')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', ['verified', 'failed', 'locked'])
    .groupBy('status')
  let requests = db.selectFrom('data_requests').select(['type', 'status', 'created_at', 'completed_at', 'due_at'])
  let disclosures = db.selectFrom('disclosures').select(['type', 'received_at'])
  if (start) {
    verifications = verifications.where('created_at', '>=', start)
    requests = requests.where('created_at', '>=', start)
    disclosures = disclosures.where('received_at', '>=', start)
  }
  if (end) {
    verifications = verifications.where('created_at', '<', end)
    requests = requests.where('created_at', '<', end)
    disclosures = disclosures.where('received_at', '<', end)
  }
  const [verificationCounts, requestRows, disclosureRows] = await Promise.all([
    verifications.execute(),
    requests.execute(),
    disclosures.execute(),
  ])

  // A verification is complete once it has an outcome: passed, failed or locked (not expired or superseded).
  const completedVerifications = verificationCounts.reduce((sum, r) => sum + Number(r.n), 0)
  const verified = Number(verificationCounts.find((r) => r.status === 'verified')?.n ?? 0)

  const requestCounts = DATA_REQUEST_TYPES.flatMap((type) =>
    DATA_REQUEST_STATUSES.map((status) => ({
      type,
      status,
      count: requestRows.filter((r) => r.type === type && r.status === status).length,
    })),
  )
  const completed = requestRows.filter((r) => r.status === 'completed' && r.completed_at)
  const withDue = completed.filter((r) => r.due_at)
  const onTime = withDue.filter((r) => Date.parse(r.completed_at!) <= Date.parse(r.due_at!)).length
  const hours = completed.map((r) => (Date.parse(r.completed_at!) - Date.parse(r.created_at)) / HOUR_MS)
  const medianHours = median(hours)

  const periods = [...new Set(disclosureRows.map((d) => halfYear(d.received_at)))].sort()
  const disclosureCounts = periods.flatMap((period) =>
    DISCLOSURE_TYPES.map((type) => ({
      period,
      type,
      requests: band(disclosureRows.filter((d) => d.type === type && halfYear(d.received_at) === period).length),
    })),
  )

  return {
    from: from ?? null,
    to: to ?? null,
    verifications: { completed: completedVerifications, verified, pass_rate_percent: share(verified, completedVerifications) },
    requests: {
      by_type_and_status: requestCounts,
      completed: completed.length,
      on_time_percent: share(onTime, withDue.length),
      median_hours_to_complete: medianHours === null ? null : Math.round(medianHours * 10) / 10,
    },
    disclosures: { band_below: BAND_BELOW, by_type_and_half_year: disclosureCounts },
  }
}
