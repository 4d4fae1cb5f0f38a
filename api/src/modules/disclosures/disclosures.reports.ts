import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { RequestContext, StaffContext } from '../../platform/context.js'
import { notFound } from '../../platform/errors.js'
import { inTransaction } from '../../platform/transaction.js'
import { presentDisclosures } from './disclosures.service.js'

/** Counts under this show as a band, so that no single case stands out. */
export const BAND_BELOW = 10
export const band = (n: number) => (n < BAND_BELOW ? `0–${BAND_BELOW - 1}` : String(n))

export const halfYear = (iso: string) => `${iso.slice(0, 4)}-H${Number(iso.slice(5, 7)) <= 6 ? 1 : 2}`

/**
 * The transparency report: requests by half-year, type, jurisdiction and outcome, with the accounts they named
 * and the share where some data was produced. Small counts are bands; a share is given only over a count that is not.
 */
export async function transparencyReport(db: Kysely<Database>, ctx: RequestContext, range: { from?: string; to?: string }) {
  let inRange = db.selectFrom('disclosures')
  if (range.from) inRange = inRange.where('received_at', '>=', range.from)
  if (range.to) inRange = inRange.where('received_at', '<', range.to)
  const [rows, subjects] = await Promise.all([
    inRange.selectAll().orderBy('received_at').execute(),
    db
      .selectFrom('disclosure_subjects')
      .select(['disclosure_id', 'customer_id'])
      .where('disclosure_id', 'in', inRange.select('id'))
      .execute(),
  ])
  const records = await presentDisclosures(db, rows, ctx.now)
  const subjectsOf = new Map<number, number[]>()
  for (const s of subjects) subjectsOf.set(s.disclosure_id, [...(subjectsOf.get(s.disclosure_id) ?? []), s.customer_id])
  const groups = new Map<
    string,
    { period: string; type: string; jurisdiction: string; outcome: string; requests: number; accounts: Set<number>; produced: number }
  >()
  for (const d of records) {
    const outcome = d.open ? 'pending' : d.status === 'withdrawn' ? 'withdrawn' : (d.outcome ?? 'pending')
    const key = [halfYear(d.receivedAt), d.type, d.jurisdiction, outcome].join('|')
    const g = groups.get(key) ?? {
      period: halfYear(d.receivedAt),
      type: d.type,
      jurisdiction: d.jurisdiction,
      outcome,
      requests: 0,
      accounts: new Set<number>(),
      produced: 0,
    }
    g.requests++
    for (const s of subjectsOf.get(d.id) ?? []) g.accounts.add(s)
    if (d.outcome === 'content' || d.outcome === 'non_content') g.produced++
    groups.set(key, g)
  }
  const reportRows = [...groups.values()].map((g) => ({
    period: g.period,
    type: g.type,
    jurisdiction: g.jurisdiction,
    outcome: g.outcome,
    requests: band(g.requests),
    accountsSpecified: band(g.accounts.size),
    shareWithDataProduced: g.requests >= BAND_BELOW ? Math.round((100 * g.produced) / g.requests) : null,
  }))
  // As the large providers report them: preservation requests (keep, do not hand over) apart from requests for data.
  const forData = records.filter((d) => d.type !== 'preservation')
  const produced = forData.filter((d) => d.outcome === 'content' || d.outcome === 'non_content').length
  const totals = {
    requests: band(records.length),
    accountsSpecified: band(new Set(subjects.map((s) => s.customer_id)).size),
    requestsForData: band(forData.length),
    preservationRequests: band(records.length - forData.length),
    shareWithDataProduced: forData.length >= BAND_BELOW ? Math.round((100 * produced) / forData.length) : null,
  }
  return { bandBelow: BAND_BELOW, rows: reportRows, totals }
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
    [r.period, r.type, r.jurisdiction, r.outcome, r.requests, r.accountsSpecified, r.shareWithDataProduced].map(csvCell).join(','),
  )
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}

const SIX_YEARS_MS = 6 * 365.25 * 86_400_000

/**
 * For one customer, every disclosure of their data in the last six years: date, recipient, what and why.
 * Records still under a non-disclosure order are left out until it ends.
 */
export async function disclosureAccounting(db: Kysely<Database>, ctx: StaffContext, input: { customerId: number }) {
  const { customerId } = input
  const since = new Date(ctx.now.getTime() - SIX_YEARS_MS).toISOString()
  return inTransaction(db, async (trx) => {
    const customer = await trx.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst()
    if (!customer) throw notFound('Customer')
    const rows = await trx
      .selectFrom('disclosures as d')
      .innerJoin('disclosure_subjects as s', 's.disclosure_id', 'd.id')
      .selectAll('d')
      .where('s.customer_id', '=', customerId)
      .where('d.disclosed_at', '>=', since)
      .execute()
    const records = await presentDisclosures(trx, rows, ctx.now)
    const entries = records
      .filter((d) => d.disclosedAt && (d.status === 'disclosed' || d.status === 'partially_disclosed'))
      .filter((d) => !d.nondisclosureUntil || Date.parse(d.nondisclosureUntil) <= ctx.now.getTime())
      .sort((a, b) => a.disclosedAt!.localeCompare(b.disclosedAt!))
      .map((d) => ({
        disclosureId: d.id,
        date: d.disclosedAt!,
        recipient: [d.authority, d.requestingOfficer].filter(Boolean).join(', '),
        jurisdiction: d.jurisdiction,
        what: d.categoriesProduced,
        why: d.legalBasis,
        requestType: d.type,
        caseNumber: d.caseNumber,
        partial: d.status === 'partially_disclosed',
      }))
    await audit(trx, ctx, {
      action: 'disclosure.accounting',
      entityType: 'customer',
      entityId: customerId,
      customerId,
      details: { entries: entries.length },
    })
    return { customerId, since, generatedAt: ctx.now.toISOString(), entries }
  })
}
