import { createHash } from 'node:crypto'
import { parse as parseDisposition } from 'content-disposition'
import { GroupCommitDriver } from '@verity/db'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, inParallel, listUrl, ORIGIN, tally, TEST_DIALECT, TEST_PASSWORD } from '../../testing.js'

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

/** A second compliance officer, put straight into the table: the staff module's own grant workflow is not under test here. */
const addSecondOfficer = () => t.addStaff('compliance', 'second@example.com', 'Second Officer')
async function signInSecondOfficer(send: (typeof t)['request']) {
  const res = await send('POST', '/api/auth/login', { body: { email: 'second@example.com', password: TEST_PASSWORD } })
  if (res.status !== 200) throw new Error(`second officer: ${res.status} ${res.text}`)
  return res.headers.get('set-cookie')!.split(';')[0]!
}
const auditEntries = (action: string, id: number) =>
  t.db
    .selectFrom('audit_log')
    .select(['id', 'customer_id'])
    .where('action', '=', action)
    .where('entity_id', '=', String(id))
    .orderBy('id')
    .execute()

describe('a disclosure record', () => {
  it('is logged with its subjects, reviewed, closed with an outcome and then refuses edits (409)', async () => {
    const created = await post('', subpoena())
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      status: 'received',
      open: true,
      subjectIds: [1, 2],
      categoriesRequested: ['identity', 'orders'],
      caseNumber: '(2026) Yue 03 Min Chu 117',
      legalBasis: 'Civil Procedure Law art. 67',
      receivedAt: '2026-03-09T00:00:00.000Z',
      createdByName: 'Chen Jing',
    })
    expect(created.json.subjects[0].name).toMatch(/\*\*\*/)
    // one name per field: a record answers in the names its inputs take, never both
    expect(Object.keys(created.json).filter((k) => k.includes('_'))).toEqual([])
    const id = created.json.id
    expect((await post(`/${id}/review`)).json).toMatchObject({ status: 'under_review', reviewedByName: 'Chen Jing' })
    expect((await post(`/${id}/review`)).status).toBe(409)
    const edited = await t.request('PUT', `/api/disclosures/${id}`, { cookie: officer, body: { dueAt: '2026-03-20' } })
    expect(edited.json.dueAt).toBe('2026-03-20T00:00:00.000Z')
    const closed = await post(`/${id}/close`, { outcome: 'content', categoriesProduced: ['identity'], partial: true })
    expect(closed.json).toMatchObject({
      status: 'partially_disclosed',
      outcome: 'content',
      partial: true,
      open: false,
      disclosedByName: 'Chen Jing',
      categoriesProduced: ['identity'],
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
      caseNumber: '(2026) Yue 03 Min Chu 171',
      categoriesProduced: ['identity', 'orders'],
      status: 'disclosed',
    })
    expect(second.json.amendments.map((a: { reason: string; staffName: string }) => [a.reason, a.staffName])).toEqual([
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

describe('subjects by identifier', () => {
  const lookup = (identifier: string, cookie = officer) =>
    t.request('POST', '/api/disclosures/subject-lookup', { cookie, body: { identifier } })
  const customer = (id: number) =>
    t.db.selectFrom('customers').select(['id', 'email', 'phone', 'first_name', 'last_name']).where('id', '=', id).executeTakeFirstOrThrow()

  it("takes a subpoena's email and finds exactly that customer, matched by email, kept on the record masked", async () => {
    const nine = await customer(9)
    const found = await lookup(`  ${nine.email!.toUpperCase()} `)
    expect(found.status).toBe(200)
    expect(found.json).toMatchObject({ kind: 'email', total: 1 })
    expect(found.json.matches).toHaveLength(1)
    const [match] = found.json.matches
    expect(match).toMatchObject({ id: 9, matchKind: 'email', others: 0 })
    expect(match.matchMasked).toBe(`${nine.email![0]}***${nine.email!.slice(nine.email!.indexOf('@'))}`)
    expect(JSON.stringify(found.json)).not.toContain(nine.email!)
    // audited as a customer search, with its kind
    const searches = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'customer.search').execute()
    expect(searches.map((e) => JSON.parse(e.details))).toEqual([expect.objectContaining({ kind: 'email', results: 1, customers: [9] })])

    const created = await post('', subpoena({ subjectIds: undefined, subjects: [{ customerId: 9, match: match.match }] }))
    expect(created.status).toBe(201)
    expect(created.json.subjects).toEqual([expect.objectContaining({ id: 9, matchKind: 'email', matchMasked: match.matchMasked })])
    const stored = await t.db.selectFrom('disclosure_subjects').selectAll().execute()
    expect(stored).toEqual([
      // the lookup it came from, by a digest: one lookup names a subject on one record only
      {
        disclosure_id: created.json.id,
        customer_id: 9,
        match_kind: 'email',
        match_masked: match.matchMasked,
        match_ref: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ])
    // the same match on a second record is refused: the identifier is looked up again for it
    const again = await post('', subpoena({ subjectIds: undefined, subjects: [{ customerId: 9, match: match.match }] }))
    expect(again.status).toBe(422)
    const subjectEntry = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'disclosure.subject')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(subjectEntry.details)).toMatchObject({ matched_by: 'email' })

    // an edit keeps how a subject already on the record was matched; one added by id alone is matched by customer id
    const edited = await t.request('PUT', `/api/disclosures/${created.json.id}`, { cookie: officer, body: { subjectIds: [9, 4] } })
    expect(
      edited.json.subjects.map((s: { id: number; matchKind: string; matchMasked: string }) => [s.id, s.matchKind, s.matchMasked]),
    ).toEqual([
      [4, 'id', '#4'],
      [9, 'email', match.matchMasked],
    ])
  })

  it('counts each lookup against the same rate as customer searches', async () => {
    expect(await t.changeSetting('searches_per_minute', 5)).toBe(5)
    const { email } = await customer(3)
    await t.request('GET', listUrl('customers', { filter: { q: email } }), { cookie: officer })
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await lookup(email!)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429])
  })

  it('says how many other customers a shared phone number matches', async () => {
    const one = await customer(1)
    await t.db.updateTable('customers').set({ phone: one.phone }).where('id', '=', 2).execute()
    const found = await lookup(one.phone!)
    expect(found.json.kind).toBe('phone')
    expect(found.json.matches.map((m: { id: number; others: number }) => [m.id, m.others])).toEqual([
      [1, 1],
      [2, 1],
    ])
    expect(found.json.masked).not.toMatch(/\d/)
  })

  it('refuses a name, an empty identifier and a forged or foreign match, and nothing is written', async () => {
    const byName = await lookup('ryan')
    expect(byName.status).toBe(400)
    expect(byName.json.error.fields.identifier).toBeTruthy()
    expect(byName.json.error.reason).toBe('subject_identifier')
    expect((await lookup('   ')).status).toBe(400)
    expect((await t.request('POST', '/api/disclosures/subject-lookup', { cookie: officer, body: {} })).status).toBe(400)
    // the name is counted and audited as a refused search (an officer trying names leaves a trace); the blanks never reach it
    const refused = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'customer.search').execute()
    expect(refused.map((r) => JSON.parse(r.details!).refused)).toEqual(['subject_identifier'])

    const { matches } = (await lookup((await customer(9)).email!)).json
    const forged = await post('', subpoena({ subjectIds: undefined, subjects: [{ customerId: 10, match: matches[0].match }] }))
    expect(forged.status).toBe(422)
    expect(forged.json.error.fields['subjects.0.match']).toBeTruthy()
    const [payload, signature] = (matches[0].match as string).split('.')
    const tampered = Buffer.from(JSON.stringify([1, 9, 'id', '#9', clock.getTime()])).toString('base64url')
    expect(
      (await post('', subpoena({ subjectIds: undefined, subjects: [{ customerId: 9, match: `${tampered}.${signature}` }] }))).status,
    ).toBe(422)
    await addSecondOfficer()
    const second = await signInSecondOfficer(t.request)
    const theirs = await t.request('POST', '/api/disclosures', {
      cookie: second,
      body: subpoena({ subjectIds: undefined, subjects: [{ customerId: 9, match: `${payload}.${signature}` }] }),
    })
    expect(theirs.status).toBe(422)
    await later(1)
    expect((await post('', subpoena({ subjectIds: undefined, subjects: [{ customerId: 9, match: matches[0].match }] }))).status).toBe(422)
    expect((await post('', subpoena({ subjectIds: undefined }))).json.error.fields.subjects).toBeTruthy()
    expect(await t.db.selectFrom('disclosures').selectAll().execute()).toHaveLength(0)
  })
})

describe('the actions a record offers', () => {
  const actionsOf = async (id: number, cookie = officer) =>
    (await t.request('GET', `/api/disclosures/${id}`, { cookie })).json.actions as string[]

  it('are those the server would take from this officer now', async () => {
    const { id } = (await post('', subpoena())).json
    expect(await actionsOf(id)).toEqual(['edit', 'review', 'close', 'disclose', 'withdraw', 'amend', 'attach'])
    await addSecondOfficer()
    // another officer is active: whoever logged it may not release data under it
    expect(await actionsOf(id)).toEqual(['edit', 'review', 'close', 'withdraw', 'amend', 'attach'])
    await post(`/${id}/close`, { outcome: 'rejected' })
    expect(await actionsOf(id)).toEqual(['amend'])
    expect((await t.request('PUT', `/api/disclosures/${id}`, { cookie: officer, body: { dueAt: '2026-03-20' } })).status).toBe(409)
  })

  it('offer the later review of an emergency disclosure to another officer only, and the hold release while held', async () => {
    const { id } = (
      await post('', subpoena({ type: 'emergency', emergencyJustification: 'Threat to life reported by police', holdRequested: true }))
    ).json
    await post(`/${id}/close`, { outcome: 'non_content', categoriesProduced: ['contact'] })
    expect(await actionsOf(id)).toEqual(['amend', 'notice', 'release_hold'])
    await addSecondOfficer()
    const second = await signInSecondOfficer(t.request)
    expect(await actionsOf(id, second)).toEqual(['amend', 'notice', 'post_review', 'release_hold'])
    await post(`/${id}/release-hold`, { note: 'Case closed by the court' })
    expect(await actionsOf(id)).toEqual(['amend', 'notice'])
  })
})

describe('separation of duties (promise 8)', () => {
  it('whoever logged a record releases no data under it while another officer is active; the other may', async () => {
    await addSecondOfficer()
    const { id } = (await post('', subpoena())).json
    const own = await post(`/${id}/close`, { outcome: 'content', categoriesProduced: ['identity'] })
    expect(own.status).toBe(403)
    expect(own.json.error.message).toMatch(/Another compliance officer/)
    expect((await post(`/${id}/close`, { outcome: 'rejected' })).status).toBe(200)
    const other = (await post('', subpoena({ caseNumber: 'B-2' }))).json
    const second = await signInSecondOfficer(t.request)
    const released = await t.request('POST', `/api/disclosures/${other.id}/close`, {
      cookie: second,
      body: { outcome: 'content', categoriesProduced: ['identity'] },
    })
    expect(released.json).toMatchObject({ status: 'disclosed', loneOfficerRelease: false })
  })

  it('a lone officer may release, and the release is marked as such on the record and in the log', async () => {
    const { id } = (await post('', subpoena())).json
    const res = await post(`/${id}/close`, { outcome: 'non_content', categoriesProduced: ['identity'] })
    expect(res.json).toMatchObject({ status: 'disclosed', loneOfficerRelease: true })
    const entry = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'disclosure.close').executeTakeFirstOrThrow()
    expect(JSON.parse(entry.details)).toMatchObject({ lone_officer_release: true })
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
    await addSecondOfficer()
    const second = await signInSecondOfficer(t.request)
    const reviewed = await t.request('POST', `/api/disclosures/${json.id}/post-review`, {
      cookie: second,
      body: { note: 'Justified: police confirmed the threat in writing.' },
    })
    expect(reviewed.json).toMatchObject({ postReviewByName: 'Second Officer' })
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
    expect((await post(`/${json.id}/release-hold`, { note: 'Preservation period ended' })).json.holds[0].releasedAt).toBeTruthy()
    expect((await t.request('GET', '/api/customers/3', { cookie: agent })).json.legal_hold).toBe(false)
    expect((await post(`/${json.id}/release-hold`, { note: 'again' })).status).toBe(409)
  })

  it('are placed by any record that asks for preservation', async () => {
    const { json } = await post('', subpoena({ holdRequested: true, subjectIds: [5] }))
    expect(json.holdRequested).toBe(true)
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
    expect(noticed.json.customerNotifiedAt).toBeTruthy()
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
        disclosureId: open.id,
        recipient: 'Customs Anti-smuggling Bureau',
        what: ['contact'],
        why: 'Civil Procedure Law art. 67',
        caseNumber: 'CASB-2026-5',
      }),
    ])
    await later(300)
    const after = await t.request('GET', '/api/disclosures/accounting/7', { cookie: officer })
    expect(after.json.entries.map((e: { disclosureId: number }) => e.disclosureId)).toEqual([gagged.id, open.id])
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
      accountsSpecified: '0–9',
      shareWithDataProduced: null,
    })
    expect(row('search_warrant', 'content')).toMatchObject({ period: '2026-H2', jurisdiction: 'US', requests: '0–9' })
    // 13 requests for data, 10 of them produced some (9 non-content, 1 content); no preservation request.
    expect(report.json.totals).toEqual({
      requests: '13',
      accountsSpecified: '0–9',
      requestsForData: '13',
      preservationRequests: '0–9',
      shareWithDataProduced: 77,
    })
    expect(report.json.bandBelow).toBe(10)
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

describe('lists', () => {
  it('sort and filter by the names the records carry', async () => {
    const { json: early } = await post('', subpoena({ receivedAt: '2026-01-05', subjectIds: [11] }))
    const { json: late } = await post('', subpoena({ receivedAt: '2026-03-01', subjectIds: [12] }))
    const sorted = await t.request('GET', listUrl('disclosures', { sort: ['receivedAt', 'ASC'] }), { cookie: officer })
    expect(sorted.json.map((d: { id: number }) => d.id)).toEqual([early.id, late.id])
    expect(sorted.json[0]).toMatchObject({
      receivedAt: '2026-01-05T00:00:00.000Z',
      caseNumber: '(2026) Yue 03 Min Chu 117',
      noticeDue: false,
    })
    expect((await t.request('GET', listUrl('disclosures', { sort: ['received_at', 'ASC'] }), { cookie: officer })).status).toBe(400)
    const forCustomer = await t.request('GET', listUrl('disclosures', { filter: { customerId: 12 } }), { cookie: officer })
    expect(forCustomer.json.map((d: { id: number }) => d.id)).toEqual([late.id])
  })
})

/**
 * better-sqlite3 answers within the same turn of the event loop, so on its own one request would run from check to write
 * before the next is even read off its socket. PostgreSQL answers over the network: every query is a turn in which
 * other requests run. This gives each SQLite query such a turn, so parallel requests interleave as they do in production.
 */
function interleaveQueries() {
  const acquire = GroupCommitDriver.prototype.acquireConnection
  beforeAll(() => {
    GroupCommitDriver.prototype.acquireConnection = async function (this: GroupCommitDriver) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      return acquire.call(this)
    }
  })
  afterAll(() => {
    GroupCommitDriver.prototype.acquireConnection = acquire
  })
}

describe('thirty requests at once, through a real HTTP server (promise 10)', () => {
  interleaveQueries()
  let http: Awaited<ReturnType<(typeof t)['listen']>>
  let cookie: string
  beforeEach(async () => {
    http = await t.listen()
    cookie = await http.login('compliance')
  })
  const create = async (extra: Record<string, unknown> = {}) => {
    const res = await http.request('POST', '/api/disclosures', { cookie, body: subpoena(extra) })
    expect(res.status).toBe(201)
    return res.json.id as number
  }
  const act = (id: number, path: string, body?: unknown, as = cookie) =>
    http.request('POST', `/api/disclosures/${id}/${path}`, { cookie: as, body })
  const stored = (id: number) => t.db.selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  it('close: one closes it, the other 29 are told it is closed, and the record keeps the winner’s outcome', async () => {
    const id = await create()
    const outcomes = ['content', 'non_content', 'no_data', 'rejected'] as const
    const { responses, statuses } = await inParallel(30, (i) => act(id, 'close', { outcome: outcomes[i % 4] }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    expect(responses.find((r) => r.status === 409)!.json.error.message).toMatch(/closed/)
    expect(await auditEntries('disclosure.close', id)).toHaveLength(1)
    const winner = responses.find((r) => r.status === 200)!.json
    expect((await stored(id)).outcome).toBe(winner.outcome)
  })

  it('review: one starts it', async () => {
    const id = await create()
    const { statuses } = await inParallel(30, () => act(id, 'review'))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    expect(await auditEntries('disclosure.review', id)).toHaveLength(1)
  })

  it('later review of an emergency disclosure by another officer: one is recorded', async () => {
    const id = await create({ type: 'emergency', emergencyJustification: 'Threat to life reported by police' })
    expect((await act(id, 'close', { outcome: 'non_content', categoriesProduced: ['contact'] })).status).toBe(200)
    await addSecondOfficer()
    const second = await signInSecondOfficer(http.request)
    const { responses, statuses } = await inParallel(30, (i) => act(id, 'post-review', { note: `Reviewed, take ${i}` }, second))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    expect(await auditEntries('disclosure.post_review', id)).toHaveLength(1)
    expect((await stored(id)).post_review_note).toBe(responses.find((r) => r.status === 200)!.json.postReviewNote)
  })

  it('hold release: each held customer is released once', async () => {
    const id = await create({ type: 'preservation', subjectIds: [3, 4, 5] })
    const { statuses } = await inParallel(30, (i) => act(id, 'release-hold', { note: `Preservation period ended (${i})` }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    const releases = await auditEntries('legal_hold.release', id)
    expect(releases.map((r) => r.customer_id).sort()).toEqual([3, 4, 5])
    const holds = await t.db.selectFrom('legal_holds').select(['release_reason']).where('disclosure_id', '=', id).execute()
    expect(new Set(holds.map((h) => h.release_reason)).size).toBe(1)
  })

  it('customer notice: recorded once', async () => {
    const id = await create()
    expect((await act(id, 'close', { outcome: 'content', categoriesProduced: ['identity'] })).status).toBe(200)
    const { statuses } = await inParallel(30, (i) => act(id, 'notice', i % 2 ? { given: true } : { given: false, note: 'Address unknown' }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    const entries = [...(await auditEntries('disclosure.notice_given', id)), ...(await auditEntries('disclosure.notice_withheld', id))]
    expect(entries).toHaveLength(1)
  })

  it('a PUT racing a close never changes the closed record', async () => {
    const id = await create()
    const { responses, statuses } = await inParallel(30, (i) =>
      i === 0
        ? act(id, 'close', { outcome: 'content', categoriesProduced: ['identity'] })
        : http.request('PUT', `/api/disclosures/${id}`, { cookie, body: { caseNumber: `(2026) Yue 03 Min Chu ${1000 + i}` } }),
    )
    expect(statuses[0]).toBe(200)
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true)
    const [close] = await auditEntries('disclosure.close', id)
    const updates = await auditEntries('disclosure.update', id)
    expect(updates.filter((u) => u.id > close!.id)).toEqual([])
    expect((await stored(id)).case_number).toBe(responses[0]!.json.caseNumber)
    const refused = responses.find((r, i) => i > 0 && r.status === 409)
    if (refused) expect(refused.json.error.message).toMatch(/closed and cannot be changed/)
  })

  it('an attachment racing a close is refused once the record is closed', async () => {
    const id = await create()
    const upload = (i: number) => {
      const form = new FormData()
      form.append('file', new File([`scan ${i}`], `scan-${i}.pdf`, { type: 'application/pdf' }))
      return fetch(`${http.url}/api/disclosures/${id}/attachments`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: http.url },
        body: form,
      })
    }
    // closes go out among the uploads, so that some uploads are read before a close and written after it
    const isClose = (i: number) => i % 6 === 3
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        isClose(i) ? act(id, 'close', { outcome: 'rejected' }).then((r) => r.status) : upload(i).then((r) => r.status),
      ),
    )
    expect(tally(results.filter((_, i) => isClose(i)))).toEqual({ 200: 1, 409: 4 })
    expect(results.filter((_, i) => !isClose(i)).every((s) => s === 201 || s === 409)).toBe(true)
    const [close, ...more] = await auditEntries('disclosure.close', id)
    expect(more).toEqual([])
    const attached = await auditEntries('disclosure.attach', id)
    expect(attached.filter((a) => a.id > close!.id)).toEqual([])
    const files = await t.db.selectFrom('disclosure_attachments').select('id').where('disclosure_id', '=', id).execute()
    expect(files).toHaveLength(results.filter((s) => s === 201).length)
  })
})

describe('attachment names', () => {
  let http: Awaited<ReturnType<(typeof t)['listen']>>
  let cookie: string
  let id: number
  beforeEach(async () => {
    http = await t.listen()
    cookie = await http.login('compliance')
    id = (await http.request('POST', '/api/disclosures', { cookie, body: subpoena() })).json.id
  })
  async function upload(name: string) {
    const form = new FormData()
    form.append('file', new File(['%PDF-1.7 scan\n'], name, { type: 'application/pdf' }))
    const res = await fetch(`${http.url}/api/disclosures/${id}/attachments`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: http.url },
      body: form,
    })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: number; filename: string }
  }
  const download = (attachmentId: number) =>
    fetch(`${http.url}/api/disclosures/${id}/attachments/${attachmentId}`, { headers: { Cookie: cookie } })

  it('in Chinese download under their own name (RFC 6266 filename*), with an ASCII stand-in', async () => {
    const up = await upload('传票.pdf')
    expect(up.filename).toBe('传票.pdf')
    const down = await download(up.id)
    expect(down.status).toBe(200)
    const header = down.headers.get('content-disposition')!
    expect(header).toBe(`attachment; filename=attachment.pdf; filename*=UTF-8''%E4%BC%A0%E7%A5%A8.pdf`)
    expect(parseDisposition(header).parameters.filename).toBe('传票.pdf')
    expect(await down.text()).toBe('%PDF-1.7 scan\n')
    const mixed = await download((await upload('Subpoena 传票 2026.pdf')).id)
    expect(parseDisposition(mixed.headers.get('content-disposition')!).parameters).toEqual({
      filename: 'Subpoena 传票 2026.pdf',
      'filename*': "UTF-8''Subpoena%20%E4%BC%A0%E7%A5%A8%202026.pdf",
    })
  })

  it('lose NUL and control characters, path separators and quotes, and keep every other character', async () => {
    const up = await upload('sc\u0000an\u0007\u001b\u007f\u0085 ../"été"\\\u202Efdp.exe 2026.pdf')
    expect(up.filename).toBe('scan ..__été__fdp.exe 2026.pdf')
    const down = await download(up.id)
    expect(down.status).toBe(200)
    expect(parseDisposition(down.headers.get('content-disposition')!).parameters.filename).toBe('scan ..__été__fdp.exe 2026.pdf')
    const one = await http.request('GET', `/api/disclosures/${id}`, { cookie })
    expect(one.json.attachments.map((a: { filename: string }) => a.filename)).toEqual(['scan ..__été__fdp.exe 2026.pdf'])
  })

  it('kept before names were cleaned still download', async () => {
    const { id: attachmentId } = await t.db
      .insertInto('disclosure_attachments')
      .values({
        disclosure_id: id,
        // PostgreSQL cannot hold a NUL in text at all; SQLite could, before names were cleaned.
        filename: `old${TEST_DIALECT === 'sqlite' ? '\u0000' : ''}\r\nname.pdf`,
        content_type: 'application/pdf',
        size: 3,
        sha256: createHash('sha256').update('old').digest('hex'),
        content: Buffer.from('old'),
        uploaded_by: 2,
        created_at: clock.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const down = await download(attachmentId)
    expect(down.status).toBe(200)
    expect(down.headers.get('content-disposition')).toBe('attachment; filename=oldname.pdf')
  })
})
