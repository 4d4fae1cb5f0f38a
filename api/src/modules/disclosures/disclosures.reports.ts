import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { appendAudit } from '../../platform/audit.js'
import type { SignedInStaff } from '../../platform/context.js'
import { notFound } from '../../platform/errors.js'
import { getDisclosure } from './disclosures.service.js'

/** Counts under this show as a band, so that no single case stands out. */
export const BAND_BELOW = 10
const band = (n: number) => (n < BAND_BELOW ? `0–${BAND_BELOW - 1}` : String(n))

const halfYear = (iso: string) => `${iso.slice(0, 4)}-H${Number(iso.slice(5, 7)) <= 6 ? 1 : 2}`

/**
 * The transparency report: requests by half-year, type, jurisdiction and outcome, with the accounts they named
 * and the share where some data was produced. Small counts are bands; a share is given only over a count that is not.
 */
export async function transparencyReport(db: Kysely<Database>, range: { from?: string; to?: string }) {
  let query = db.selectFrom('disclosures').select('id')
  if (range.from) query = query.where('received_at', '>=', range.from)
  if (range.to) query = query.where('received_at', '<', range.to)
  const ids = (await query.orderBy('received_at').execute()).map((r) => r.id)
  const records = await Promise.all(ids.map((id) => getDisclosure(db, id)))
  const groups = new Map<
    string,
    { period: string; type: string; jurisdiction: string; outcome: string; requests: number; accounts: Set<number>; produced: number }
  >()
  for (const d of records) {
    const outcome = d.open ? 'pending' : d.status === 'withdrawn' ? 'withdrawn' : (d.outcome ?? 'pending')
    const key = [halfYear(d.received_at), d.type, d.jurisdiction, outcome].join('|')
    const g = groups.get(key) ?? {
      period: halfYear(d.received_at),
      type: d.type,
      jurisdiction: d.jurisdiction,
      outcome,
      requests: 0,
      accounts: new Set<number>(),
      produced: 0,
    }
    g.requests++
    for (const s of d.subject_ids) g.accounts.add(s)
    if (d.outcome === 'content' || d.outcome === 'non_content') g.produced++
    groups.set(key, g)
  }
  const rows = [...groups.values()].map((g) => ({
    period: g.period,
    type: g.type,
    jurisdiction: g.jurisdiction,
    outcome: g.outcome,
    requests: band(g.requests),
    accounts_specified: band(g.accounts.size),
    share_with_data_produced: g.requests >= BAND_BELOW ? Math.round((100 * g.produced) / g.requests) : null,
  }))
  const totals = {
    requests: band(records.length),
    accounts_specified: band(new Set(records.flatMap((d) => d.subject_ids)).size),
  }
  return { band_below: BAND_BELOW, rows, totals }
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v)
  // Quote what needs it, and keep spreadsheet formulas from running.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function transparencyCsv(report: Awaited<ReturnType<typeof transparencyReport>>): string {
  const header = ['period', 'type', 'jurisdiction', 'outcome', 'requests', 'accounts_specified', 'share_with_data_produced_percent']
  const lines = report.rows.map((r) =>
    [r.period, r.type, r.jurisdiction, r.outcome, r.requests, r.accounts_specified, r.share_with_data_produced].map(csvCell).join(','),
  )
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}

const SIX_YEARS_MS = 6 * 365.25 * 86_400_000

/**
 * For one customer, every disclosure of their data in the last six years: date, recipient, what and why.
 * Records still under a non-disclosure order are left out until it ends.
 */
export async function disclosureAccounting(
  db: Kysely<Database>,
  staff: SignedInStaff,
  customerId: number,
  meta: { ip: string | null; now: Date },
) {
  const customer = await db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst()
  if (!customer) throw notFound('Customer')
  const since = new Date(meta.now.getTime() - SIX_YEARS_MS).toISOString()
  const ids = await db
    .selectFrom('disclosures as d')
    .innerJoin('disclosure_subjects as s', 's.disclosure_id', 'd.id')
    .select('d.id')
    .where('s.customer_id', '=', customerId)
    .where('d.disclosed_at', '>=', since)
    .execute()
  const records = await Promise.all(ids.map((r) => getDisclosure(db, r.id, meta.now)))
  const entries = records
    .filter((d) => d.disclosed_at && (d.status === 'disclosed' || d.status === 'partially_disclosed'))
    .filter((d) => !d.nondisclosure_until || Date.parse(d.nondisclosure_until) <= meta.now.getTime())
    .sort((a, b) => a.disclosed_at!.localeCompare(b.disclosed_at!))
    .map((d) => ({
      disclosure_id: d.id,
      date: d.disclosed_at!,
      recipient: [d.authority, d.requesting_officer].filter(Boolean).join(', '),
      jurisdiction: d.jurisdiction,
      what: d.categories_produced,
      why: d.legal_basis,
      request_type: d.type,
      case_number: d.case_number,
      partial: d.status === 'partially_disclosed',
    }))
  await db
    .transaction()
    .execute((trx) =>
      appendAudit(
        trx,
        {
          actor: { id: staff.id, role: staff.role },
          action: 'disclosure.accounting',
          entityType: 'customer',
          entityId: customerId,
          customerId,
          ip: meta.ip,
          details: { entries: entries.length },
        },
        meta.now,
      ),
    )
  return { customer_id: customerId, since, generated_at: meta.now.toISOString(), entries }
}
