import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, listUrl, ORIGIN } from '../../testing.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
let officer: string
beforeEach(async () => {
  clock = new Date('2026-03-10T09:00:00Z')
  t = await createTestApp({ customers: 30, config: { now: () => clock } })
  officer = await t.login('compliance')
})
afterEach(() => t.close())
/** Moves the clock on; the officer signs in again, as sessions idle out. */
async function later(days: number) {
  clock = new Date(clock.getTime() + days * 86_400_000)
  officer = await t.login('compliance')
}

const subpoena = (extra: Record<string, unknown> = {}) => ({
  type: 'subpoena',
  authority: 'Shenzhen Intermediate People’s Court',
  jurisdiction: 'CN',
  legalBasis: 'Civil Procedure Law art. 67',
  caseNumber: '(2026) Yue 03 Min Chu 117',
  receivedAt: '2026-03-09',
  subjectIds: [1, 2],
  categoriesRequested: ['identity', 'orders'],
  ...extra,
})
const post = (path: string, body?: unknown) => t.request('POST', `/api/disclosures${path}`, { cookie: officer, body })

describe('a disclosure record', () => {
  it('is logged with its subjects, reviewed, closed with an outcome and then refuses edits (409)', async () => {
    const created = await post('', subpoena())
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      status: 'received',
      open: true,
      subject_ids: [1, 2],
      categories_requested: ['identity', 'orders'],
      created_by_name: 'Chen Jing',
    })
    expect(created.json.subjects[0].name).toMatch(/\*\*\*/)
    const id = created.json.id
    expect((await post(`/${id}/review`)).json).toMatchObject({ status: 'under_review', reviewed_by_name: 'Chen Jing' })
    expect((await post(`/${id}/review`)).status).toBe(409)
    const edited = await t.request('PUT', `/api/disclosures/${id}`, { cookie: officer, body: { dueAt: '2026-03-20' } })
    expect(edited.json.due_at).toBe('2026-03-20T00:00:00.000Z')
    const closed = await post(`/${id}/close`, { outcome: 'content', categoriesProduced: ['identity'], partial: true })
    expect(closed.json).toMatchObject({
      status: 'partially_disclosed',
      outcome: 'content',
      partial: true,
      open: false,
      disclosed_by_name: 'Chen Jing',
      categories_produced: ['identity'],
    })
    const refused = await t.request('PUT', `/api/disclosures/${id}`, { cookie: officer, body: { caseNumber: 'changed' } })
    expect(refused.status).toBe(409)
    expect(refused.json.error.code).toBe('conflict')
    expect((await post(`/${id}/close`, { outcome: 'rejected' })).status).toBe(409)
    expect((await post(`/${id}/withdraw`, { note: 'too late' })).status).toBe(409)
  })

  it('closes from any open status, with each outcome', async () => {
    for (const [outcome, status] of [
      ['rejected', 'rejected'],
      ['no_data', 'no_data'],
      ['non_content', 'disclosed'],
      ['content', 'disclosed'],
    ]) {
      const { json } = await post('', subpoena())
      expect((await post(`/${json.id}/close`, { outcome })).json.status).toBe(status)
    }
    const { json } = await post('', subpoena())
    expect((await post(`/${json.id}/close`, { outcome: 'rejected', categoriesProduced: ['identity'] })).status).toBe(422)
    expect((await post(`/${json.id}/close`, { outcome: 'maybe' })).status).toBe(400)
  })

  it('can be withdrawn while open', async () => {
    const { json } = await post('', subpoena())
    expect((await post(`/${json.id}/withdraw`, { note: 'The court withdrew the order.' })).json).toMatchObject({
      status: 'withdrawn',
      open: false,
    })
  })

  it('takes amendments, with who and why, shown in order over the original', async () => {
    const { json } = await post('', subpoena())
    await post(`/${json.id}/close`, { outcome: 'non_content', categoriesProduced: ['identity'] })
    expect((await post(`/${json.id}/amendments`, { reason: 'x', changes: {} })).status).toBe(400)
    expect((await post(`/${json.id}/amendments`, { reason: 'x', changes: { status: 'received' } })).status).toBe(400)
    await post(`/${json.id}/amendments`, { reason: 'Docket number was mistyped', changes: { caseNumber: '(2026) Yue 03 Min Chu 171' } })
    await later(1)
    const second = await post(`/${json.id}/amendments`, {
      reason: 'Order history was produced too',
      changes: { categoriesProduced: ['identity', 'orders'] },
    })
    expect(second.status).toBe(201)
    expect(second.json).toMatchObject({
      case_number: '(2026) Yue 03 Min Chu 171',
      categories_produced: ['identity', 'orders'],
      status: 'disclosed',
    })
    expect(second.json.amendments.map((a: { reason: string; staff_name: string }) => [a.reason, a.staff_name])).toEqual([
      ['Docket number was mistyped', 'Chen Jing'],
      ['Order history was produced too', 'Chen Jing'],
    ])
    const stored = await t.db.selectFrom('disclosures').select('case_number').where('id', '=', json.id).executeTakeFirstOrThrow()
    expect(stored.case_number).toBe('(2026) Yue 03 Min Chu 117')
  })

  it('refuses bad input with a 4xx naming the field', async () => {
    expect((await post('', subpoena({ jurisdiction: 'China' }))).json.error.fields.jurisdiction).toBeTruthy()
    expect((await post('', subpoena({ subjectIds: [] }))).json.error.fields.subjectIds).toBeTruthy()
    expect((await post('', subpoena({ subjectIds: [99999] }))).status).toBe(422)
    expect((await post('', subpoena({ type: 'emergency' }))).json.error.fields.emergencyJustification).toBeTruthy()
    expect((await post('', subpoena({ categoriesRequested: ['dna'] }))).status).toBe(400)
    expect(await t.db.selectFrom('disclosures').selectAll().execute()).toHaveLength(0)
  })
})

describe('emergency disclosures', () => {
  it('record their justification and need a later review by someone else', async () => {
    const { json } = await post(
      '',
      subpoena({ type: 'emergency', emergencyJustification: 'Credible threat to life reported by police, case 2026-88' }),
    )
    await post(`/${json.id}/close`, { outcome: 'non_content', categoriesProduced: ['contact'] })
    const due = await t.request('GET', listUrl('disclosures', { filter: { queue: 'review_due' } }), { cookie: officer })
    expect(due.json.map((d: { id: number }) => d.id)).toEqual([json.id])
    expect((await post(`/${json.id}/post-review`, { note: 'Looks fine' })).status).toBe(409)
    const admin = await t.login('admin')
    await t.request('POST', '/api/staff', {
      cookie: admin,
      body: { email: 'second@example.com', name: 'Second Officer', role: 'compliance', password: 'Second-officer-password' },
    })
    const res = await t.app.request(`${ORIGIN}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ email: 'second@example.com', password: 'Second-officer-password' }),
    })
    const second = res.headers.get('set-cookie')!.split(';')[0]!
    const reviewed = await t.request('POST', `/api/disclosures/${json.id}/post-review`, {
      cookie: second,
      body: { note: 'Justified: police confirmed the threat in writing.' },
    })
    expect(reviewed.json).toMatchObject({ post_review_by_name: 'Second Officer' })
    expect((await t.request('GET', listUrl('disclosures', { filter: { queue: 'review_due' } }), { cookie: officer })).json).toHaveLength(0)
  })
})

describe('legal holds', () => {
  it('follow an open preservation request, show on the customer record as a bare fact, and end when released', async () => {
    const { json } = await post('', subpoena({ type: 'preservation', subjectIds: [3] }))
    expect(json.holds).toHaveLength(1)
    const agent = await t.login('agent')
    const record = await t.request('GET', '/api/customers/3', { cookie: agent })
    expect(record.json.legal_hold).toBe(true)
    expect(record.text).not.toMatch(/preservation|subpoena|disclosure/i)
    expect((await t.request('GET', '/api/customers/4', { cookie: agent })).json.legal_hold).toBe(false)
    expect((await post(`/${json.id}/release-hold`, { note: 'Preservation period ended' })).json.holds[0].released_at).toBeTruthy()
    expect((await t.request('GET', '/api/customers/3', { cookie: agent })).json.legal_hold).toBe(false)
    expect((await post(`/${json.id}/release-hold`, { note: 'again' })).status).toBe(409)
  })

  it('are placed by any record that asks for preservation', async () => {
    const { json } = await post('', subpoena({ holdRequested: true, subjectIds: [5] }))
    expect(json.hold_requested).toBe(true)
    expect((await t.request('GET', '/api/customers/5', { cookie: officer })).json.legal_hold).toBe(true)
  })
})

describe('non-disclosure orders and notice', () => {
  it('keep a record out of the notice queue until the order ends, then the officer records notice', async () => {
    const { json } = await post('', subpoena({ nondisclosureUntil: '2026-06-01' }))
    await post(`/${json.id}/close`, { outcome: 'content', categoriesProduced: ['identity'] })
    const queue = () => t.request('GET', listUrl('disclosures', { filter: { queue: 'notice_due' } }), { cookie: officer })
    expect((await queue()).json).toHaveLength(0)
    expect((await post(`/${json.id}/notice`, { given: true })).status).toBe(409)
    await later(90)
    expect((await queue()).json.map((d: { id: number }) => d.id)).toEqual([json.id])
    expect((await post(`/${json.id}/notice`, { given: false })).json?.error?.fields?.note).toBeTruthy()
    const noticed = await post(`/${json.id}/notice`, { given: true })
    expect(noticed.json.customer_notified_at).toBeTruthy()
    expect((await queue()).json).toHaveLength(0)
  })

  it('leave a record out of the customer’s accounting while the order runs', async () => {
    const { json: gagged } = await post('', subpoena({ subjectIds: [7], nondisclosureUntil: '2026-12-31' }))
    await post(`/${gagged.id}/close`, { outcome: 'content', categoriesProduced: ['identity', 'orders'] })
    const { json: open } = await post(
      '',
      subpoena({ subjectIds: [7], authority: 'Customs Anti-smuggling Bureau', caseNumber: 'CASB-2026-5' }),
    )
    await post(`/${open.id}/close`, { outcome: 'non_content', categoriesProduced: ['contact'] })
    const { json: rejected } = await post('', subpoena({ subjectIds: [7] }))
    await post(`/${rejected.id}/close`, { outcome: 'rejected' })
    const accounting = await t.request('GET', '/api/disclosures/accounting/7', { cookie: officer })
    expect(accounting.json.entries).toEqual([
      expect.objectContaining({
        disclosure_id: open.id,
        recipient: 'Customs Anti-smuggling Bureau',
        what: ['contact'],
        why: 'Civil Procedure Law art. 67',
        case_number: 'CASB-2026-5',
      }),
    ])
    await later(300)
    const after = await t.request('GET', '/api/disclosures/accounting/7', { cookie: officer })
    expect(after.json.entries.map((e: { disclosure_id: number }) => e.disclosure_id)).toEqual([gagged.id, open.id])
  })
})

describe('attachments', () => {
  it('are kept with their SHA-256, downloaded whole, and never inlined in lists', async () => {
    const { json } = await post('', subpoena())
    const bytes = Buffer.from('%PDF-1.7 subpoena scan\n')
    const form = new FormData()
    form.append('file', new File([bytes], 'subpoena "scan".pdf', { type: 'application/pdf' }))
    const up = await t.app.request(`${ORIGIN}/api/disclosures/${json.id}/attachments`, {
      method: 'POST',
      headers: { Cookie: officer, Origin: ORIGIN },
      body: form,
    })
    expect(up.status).toBe(201)
    const attachment = (await up.json()) as { id: number; sha256: string; filename: string }
    expect(attachment.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(attachment.filename).toBe('subpoena _scan_.pdf')
    const down = await t.app.request(`${ORIGIN}/api/disclosures/${json.id}/attachments/${attachment.id}`, { headers: { Cookie: officer } })
    expect(Buffer.from(await down.arrayBuffer())).toEqual(bytes)
    expect(down.headers.get('content-disposition')).toContain('attachment')
    const list = await t.request('GET', listUrl('disclosures'), { cookie: officer })
    expect(list.text).not.toContain('PDF-1.7')
    const one = await t.request('GET', `/api/disclosures/${json.id}`, { cookie: officer })
    expect(one.json.attachments).toEqual([expect.objectContaining({ id: attachment.id, sha256: attachment.sha256, size: bytes.length })])
    expect(one.text).not.toContain('PDF-1.7')
    const missing = await t.app.request(`${ORIGIN}/api/disclosures/${json.id}/attachments`, {
      method: 'POST',
      headers: { Cookie: officer, Origin: ORIGIN },
      body: new FormData(),
    })
    expect(missing.status).toBe(422)
  })
})

describe('the transparency report', () => {
  it('counts by half-year, type, jurisdiction and outcome, banding small counts, as JSON and CSV', async () => {
    for (let i = 0; i < 12; i++) {
      const { json } = await post('', subpoena({ subjectIds: [1 + (i % 6)], caseNumber: `C-${i}` }))
      await post(`/${json.id}/close`, { outcome: i < 9 ? 'non_content' : 'rejected' })
    }
    const { json: one } = await post('', subpoena({ type: 'search_warrant', jurisdiction: 'US', receivedAt: '2026-08-01' }))
    await post(`/${one.id}/close`, { outcome: 'content' })
    const report = await t.request('GET', '/api/disclosures/transparency-report', { cookie: officer })
    const row = (type: string, outcome: string) =>
      report.json.rows.find((r: { type: string; outcome: string }) => r.type === type && r.outcome === outcome)
    expect(row('subpoena', 'non_content')).toEqual({
      period: '2026-H1',
      type: 'subpoena',
      jurisdiction: 'CN',
      outcome: 'non_content',
      requests: '0–9',
      accounts_specified: '0–9',
      share_with_data_produced: null,
    })
    expect(row('search_warrant', 'content')).toMatchObject({ period: '2026-H2', jurisdiction: 'US', requests: '0–9' })
    expect(report.json.totals).toEqual({ requests: '13', accounts_specified: '0–9' })
    const csv = await t.app.request(`${ORIGIN}/api/disclosures/transparency-report?format=csv`, { headers: { Cookie: officer } })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    expect(csv.headers.get('content-disposition')).toContain('transparency-report')
    const text = await csv.text()
    expect(text.split('\r\n')[0]).toBe('period,type,jurisdiction,outcome,requests,accounts_specified,share_with_data_produced_percent')
    expect(text).toContain('2026-H1,subpoena,CN,non_content,0–9,0–9,')
  })
})

describe('who may know', () => {
  it('agents and managers reach no disclosure route and see no trace of one on a customer', async () => {
    const { json } = await post('', subpoena({ subjectIds: [9] }))
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const cookie = await t.login(role)
      expect((await t.request('GET', listUrl('disclosures'), { cookie })).status).toBe(403)
      expect((await t.request('GET', `/api/disclosures/${json.id}`, { cookie })).status).toBe(403)
      expect((await t.request('GET', '/api/disclosures/accounting/9', { cookie })).status).toBe(403)
    }
    const agent = await t.login('agent')
    const record = await t.request('GET', '/api/customers/9', { cookie: agent })
    expect(record.text).not.toMatch(/disclos|subpoena|Shenzhen Intermediate/i)
    const admin = await t.login('admin')
    const audit = await t.request('GET', listUrl('audit-log', { range: [0, 499] }), { cookie: admin })
    expect(audit.text).not.toMatch(/disclosure/)
  })
})
