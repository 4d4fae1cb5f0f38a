import { createHash, randomBytes } from 'node:crypto'
import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import { notFound } from '../../platform/errors.js'
import type { Trx } from '../../platform/transaction.js'
import { CUSTOMER_COLUMNS } from '../customers/customers.service.js'
import { presentDisclosures } from '../disclosures/disclosures.service.js'
import { getSetting } from '../settings/settings.service.js'

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Everything Verity holds about one customer, for an access request: the account, address book, saved cards (brand,
 * last four, expiry), orders, sign-in history, verifications and requests, and the disclosures made about them that
 * no non-disclosure order still covers. Staff-internal fields (who did what, notes, flags, the audit log) are left out.
 */
export async function customerDataExport(db: Kysely<Database>, customerId: number, now: Date) {
  const [customer, addresses, cards, orders, logs, verifications, requests, disclosures] = await Promise.all([
    db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', '=', customerId).executeTakeFirst(),
    db
      .selectFrom('addresses')
      .select(['label', 'recipient_name', 'line1', 'line2', 'city', 'region', 'postal_code', 'country', 'phone', 'is_default'])
      .where('customer_id', '=', customerId)
      .orderBy('id')
      .execute(),
    db.selectFrom('payment_methods').select(['brand', 'last4', 'exp_month', 'exp_year']).where('customer_id', '=', customerId).execute(),
    db
      .selectFrom('orders')
      .select(['number', 'placed_at', 'status', 'total_cents', 'currency', 'ship_name', 'ship_address', 'ship_phone', 'ship_country'])
      .where('customer_id', '=', customerId)
      .orderBy('placed_at')
      .execute(),
    db
      .selectFrom('access_logs')
      .select(['at', 'ip', 'os', 'browser', 'referrer'])
      .where('customer_id', '=', customerId)
      .orderBy('at')
      .execute(),
    db
      .selectFrom('verifications')
      .select(['created_at', 'channel', 'status'])
      .where('customer_id', '=', customerId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('data_requests')
      .select(['type', 'status', 'created_at', 'due_at', 'completed_at'])
      .where('customer_id', '=', customerId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('disclosures as d')
      .innerJoin('disclosure_subjects as s', 's.disclosure_id', 'd.id')
      .selectAll('d')
      .where('s.customer_id', '=', customerId)
      .orderBy('d.id')
      .execute(),
  ])
  if (!customer) throw notFound('Customer')
  // As corrected by amendments: a non-disclosure order added by one keeps the record out, as does one still running.
  const told = (await presentDisclosures(db, disclosures, now)).filter(
    (d) =>
      (d.status === 'disclosed' || d.status === 'partially_disclosed') &&
      !(d.nondisclosureUntil && Date.parse(d.nondisclosureUntil) > now.getTime()),
  )
  return {
    generated_at: now.toISOString(),
    account: { ...customer, marketing_opt_in: customer.marketing_opt_in === 1 },
    addresses: addresses.map((a) => ({ ...a, is_default: a.is_default === 1 })),
    payment_methods: cards,
    orders,
    sign_ins: logs,
    verifications,
    requests,
    disclosures_under_legal_process: told.map((d) => ({
      type: d.type,
      authority: d.authority,
      jurisdiction: d.jurisdiction,
      legal_basis: d.legalBasis,
      categories_produced: d.categoriesProduced,
      disclosed_at: d.disclosedAt,
    })),
  }
}
export type CustomerDataExport = Awaited<ReturnType<typeof customerDataExport>>

/** Keeps the export for download through a link only the customer receives; answers the token, which is not stored. */
export async function storeExport(trx: Trx, requestId: number, content: CustomerDataExport, now: Date) {
  const token = randomBytes(32).toString('base64url')
  const days = await getSetting(trx, 'export_link_days')
  const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString()
  await trx
    .insertInto('request_exports')
    .values({
      request_id: requestId,
      token_hash: tokenHash(token),
      content: JSON.stringify(content),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      downloaded_at: null,
    })
    .execute()
  return { token, expiresAt, days }
}

/** The export behind a link, while the link works; the first download is recorded. */
export async function exportByToken(trx: Trx, token: string, now: Date) {
  const row = await trx
    .selectFrom('request_exports as e')
    .innerJoin('data_requests as r', 'r.id', 'e.request_id')
    .select(['e.id', 'e.content', 'e.expires_at', 'e.downloaded_at', 'r.id as request_id', 'r.customer_id'])
    .where('e.token_hash', '=', tokenHash(token))
    .executeTakeFirst()
  if (!row || Date.parse(row.expires_at) <= now.getTime()) throw notFound('Export')
  if (!row.downloaded_at)
    await trx.updateTable('request_exports').set({ downloaded_at: now.toISOString() }).where('id', '=', row.id).execute()
  return { requestId: row.request_id, customerId: row.customer_id, content: JSON.parse(row.content) as CustomerDataExport }
}

const escape = (v: unknown) =>
  String(v ?? '—').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The same export as a page a person can read: one table per section. */
export function exportAsHtml(data: CustomerDataExport): string {
  const section = (title: string, rows: Record<string, unknown>[]) => {
    if (!rows.length) return `<h2>${escape(title)}</h2><p>None.</p>`
    const columns = Object.keys(rows[0]!)
    const head = columns.map((c) => `<th>${escape(c.replace(/_/g, ' '))}</th>`).join('')
    const body = rows
      .map(
        (r) => `<tr>${columns.map((c) => `<td>${escape(Array.isArray(r[c]) ? (r[c] as unknown[]).join(', ') : r[c])}</td>`).join('')}</tr>`,
      )
      .join('')
    return `<h2>${escape(title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your data</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}</style></head>
<body><h1>Everything we hold about you</h1><p>Prepared ${escape(data.generated_at)}. The same data, machine-readable, is in the JSON download.</p>
${section('Account', [data.account])}${section('Address book', data.addresses)}${section('Saved cards', data.payment_methods)}
${section('Orders', data.orders)}${section('Sign-ins', data.sign_ins)}${section('Identity checks by customer service', data.verifications)}
${section('Your requests', data.requests)}${section('Disclosures under legal process', data.disclosures_under_legal_process)}</body></html>`
}
