import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inTransaction } from './platform/transaction.js'
import { maskName } from './platform/masking.js'
import { raiseFlag } from './modules/flags/flags.service.js'
import { createTestApp, listUrl, TEST_AUDIT_KEY } from './testing.js'

// A hostile colleague's review of the console commit (subject lookup and match tokens, dashboard, audit desk, flags),
// through the real HTTP server. Each test asserts the secure behaviour; a failing one is a finding (see its comment).

type App = Awaited<ReturnType<typeof createTestApp>>
type Http = Awaited<ReturnType<App['listen']>>

let t: App
let http: Http
let clock: Date
let officer: string

beforeEach(async () => {
  clock = new Date('2026-03-10T09:00:00Z')
  t = await createTestApp({ customers: 40, config: { now: () => clock } })
  http = await t.listen()
  officer = await http.login('compliance')
})
afterEach(() => t.close())

const lookup = (identifier: string, cookie = officer) =>
  http.request('POST', '/api/disclosures/subject-lookup', { cookie, body: { identifier } })
const subpoena = (extra: Record<string, unknown> = {}) => ({
  type: 'subpoena',
  authority: 'Shenzhen Intermediate People’s Court',
  jurisdiction: 'CN',
  legalBasis: 'Civil Procedure Law art. 67',
  caseNumber: '(2026) Yue 03 Min Chu 117',
  receivedAt: '2026-03-09',
  ...extra,
})
const createDisclosure = (body: unknown, cookie = officer) => http.request('POST', '/api/disclosures', { cookie, body })
const customer = (id: number) => t.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const entries = (action: string) => t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute()
const staffId = async (email: string) =>
  (await t.db.selectFrom('staff_users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id

describe('POST /api/disclosures/subject-lookup: who reaches it', () => {
  it('is compliance only: agent, manager and admin get 403, no session 401, and nothing is counted or audited', async () => {
    const { email } = await customer(5)
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const cookie = await http.login(role)
      const res = await lookup(email!, cookie)
      expect(res.status, role).toBe(403)
      expect(res.text).not.toContain(email!)
    }
    expect((await http.request('POST', '/api/disclosures/subject-lookup', { body: { identifier: email } })).status).toBe(401)
    // nor by a trailing slash or a case variant of the path
    const agent = await http.login('agent')
    expect([403, 404]).toContain(
      (await http.request('POST', '/api/disclosures/subject-lookup/', { cookie: agent, body: { identifier: email } })).status,
    )
    expect([403, 404]).toContain(
      (await http.request('POST', '/api/Disclosures/subject-lookup', { cookie: agent, body: { identifier: email } })).status,
    )
    expect(await entries('customer.search')).toHaveLength(0)
  })

  it('an agent cannot add subjects by match or by id through POST/PUT /api/disclosures either', async () => {
    const agent = await http.login('agent')
    const manager = await http.login('manager')
    for (const cookie of [agent, manager]) {
      expect((await createDisclosure(subpoena({ subjectIds: [1] }), cookie)).status).toBe(403)
      expect((await http.request('PUT', '/api/disclosures/1', { cookie, body: { subjectIds: [1] } })).status).toBe(403)
    }
    expect(await t.db.selectFrom('disclosures').select('id').execute()).toHaveLength(0)
  })
})

describe('subject lookup as an oracle', () => {
  it('answers only a whole identifier: no names, partial strings, SQL wildcards or case/width tricks that widen a match', async () => {
    const five = await customer(5)
    const at = five.email!.indexOf('@')
    const refused = ['ryan', five.first_name!, `${five.first_name} ${five.last_name}`, '*', '%', 'TM%', '138 1234', '+86 138']
    for (const q of refused) expect((await lookup(q)).status, q).toBe(400)
    // wildcards inside an email-shaped or order-shaped string are compared literally (=, not LIKE)
    for (const q of ['%@%', `${five.email![0]}%${five.email!.slice(at)}`, `_${five.email!.slice(1)}`, `%${five.email!.slice(at)}`]) {
      const res = await lookup(q)
      expect(res.status, q).toBe(200)
      expect(res.json.total, q).toBe(0)
      expect(res.json.matches, q).toEqual([])
    }
    // the domain alone, or the address less its last letter, finds no one
    expect((await lookup(five.email!.slice(at))).json.total).toBe(0)
    expect((await lookup(five.email!.slice(0, -1))).json.total).toBe(0)
    // case and full width fold to the one address, and answer exactly one person, masked
    const wide = five.email!.toUpperCase().replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    for (const q of [five.email!.toUpperCase(), wide]) {
      const res = await lookup(q)
      expect(
        res.json.matches.map((m: { id: number }) => m.id),
        q,
      ).toEqual([5])
      expect(res.text).not.toContain(five.email!)
      expect(res.text).not.toContain(five.first_name!)
      expect(res.json.matches[0].name).toBe(maskName(five.first_name, five.last_name))
    }
    // Arabic-Indic digits are not read as a customer id or phone number
    expect((await lookup('٥')).status).toBe(400)
  })

  it('a refused phone fragment still counts against the lookup rate and is on the record', async () => {
    const before = (await entries('customer.search')).length
    expect((await lookup('138 1234')).status).toBe(400)
    const after = await entries('customer.search')
    expect(after).toHaveLength(before + 1)
    expect(JSON.parse(after.at(-1)!.details)).toMatchObject({ kind: 'phone', refused: 'phone_incomplete' })
  })

  // FINDING (low): a lookup refused because it is a name (api/src/modules/disclosures/disclosure-subjects.ts, lookupSubject,
  // the `kind === 'name'` throw before searchCustomers) is neither counted against the lookup rate nor audited, unlike every
  // refused customer search (customers.service.ts refusedSearchOnRecord). The refusal is data-independent, so nothing
  // leaks, but an officer trying names against the legal-process lookup leaves no trace on the audit desk.
  it('a lookup refused as a name is on the record like any refused customer search', async () => {
    expect((await lookup('Wang Wei')).status).toBe(400)
    const searches = await entries('customer.search')
    expect(searches.map((e) => JSON.parse(e.details))).toEqual([expect.objectContaining({ kind: 'name', refused: 'subject_identifier' })])
  })

  // FINDING (low): eight or nine bare digits are looked up as a phone number OR a customer id
  // (customers.search.ts searchCondition, `/^\d{8,9}$/`), but lookupSubject labels every match with the kind `phone` and a
  // masked phone (disclosure-subjects.ts lookupSubject: `kind`/`masked` are computed once from the query). A customer found
  // by their id is then stored on the record as "matched by phone ••••••••". Fix: for that case tell the two apart per row
  // (row.id === Number(q) → kind 'id', masked '#id') or split it into two lookups.
  it('a customer found by an eight-digit id is not recorded as matched by phone', async () => {
    const { id: _id, ...one } = await customer(1)
    await t.db
      .insertInto('customers')
      .values({ ...one, id: 12345678, email: 'eight.digits@example.com', phone: '+86 139 0000 0000' } as never)
      .execute()
    const res = await lookup('12345678')
    expect(res.status).toBe(200)
    const found = res.json.matches.find((m: { id: number }) => m.id === 12345678)
    expect(found).toBeTruthy()
    expect(found.matchKind).toBe('id')
  })

  it('is rate limited: past searches_per_minute it answers 429 and raises one search_rate flag', async () => {
    expect(await t.changeSetting('searches_per_minute', 5)).toBe(5)
    const statuses: number[] = []
    for (let i = 1; i <= 7; i++) statuses.push((await lookup(String(i))).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
    const flags = await t.db.selectFrom('flags').select('kind').where('kind', '=', 'search_rate').execute()
    expect(flags).toHaveLength(1)
  })
})

describe('match tokens', () => {
  const matchFor = async (id: number, cookie = officer) => {
    const res = await lookup((await customer(id)).email!, cookie)
    expect(res.status).toBe(200)
    return res.json.matches[0] as { id: number; match: string; matchKind: string; matchMasked: string }
  }

  it('refuse another customer, a forged or re-signed payload, another officer, and an expired match; nothing is written', async () => {
    const m = await matchFor(9)
    const [payload, signature] = m.match.split('.')
    // for another customer
    expect((await createDisclosure(subpoena({ subjects: [{ customerId: 10, match: m.match }] }))).status).toBe(422)
    // payload edited to name customer 10, old signature kept
    const edited = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as unknown[]
    edited[1] = 10
    const forged = `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`
    expect((await createDisclosure(subpoena({ subjects: [{ customerId: 10, match: forged }] }))).status).toBe(422)
    // garbage, an empty signature, a signature from another HMAC key
    for (const bad of ['x', `${payload}.`, `.${signature}`, `${payload}.${'A'.repeat(signature!.length)}`]) {
      expect((await createDisclosure(subpoena({ subjects: [{ customerId: 9, match: bad }] }))).status, bad).toBe(422)
    }
    // another officer
    await t.addStaff('compliance', 'second@example.com', 'Second Officer')
    const second = await http.login('second@example.com')
    expect((await createDisclosure(subpoena({ subjects: [{ customerId: 9, match: m.match }] }), second)).status).toBe(422)
    // after 12 hours
    clock = new Date(clock.getTime() + 12 * 3_600_000 + 1000)
    officer = await http.login('compliance')
    expect((await createDisclosure(subpoena({ subjects: [{ customerId: 9, match: m.match }] }))).status).toBe(422)
    expect(await t.db.selectFrom('disclosures').select('id').execute()).toHaveLength(0)
    expect(await t.db.selectFrom('disclosure_subjects').select('customer_id').execute()).toHaveLength(0)
  })

  it('a match from a role the officer no longer holds is refused with the role (403 before any token is read)', async () => {
    const m = await matchFor(9)
    const id = await staffId('compliance@example.com')
    await t.db.updateTable('staff_users').set({ role: 'agent' }).where('id', '=', id).execute()
    const again = await http.login('compliance')
    expect((await createDisclosure(subpoena({ subjects: [{ customerId: 9, match: m.match }] }), again)).status).toBe(403)
  })

  // FINDING (medium-low): a match token is not bound to the record it was looked up for, nor single-use
  // (api/src/modules/disclosures/disclosure-subjects.ts, signMatch/readMatch: the payload is [staff, customer, kind,
  // masked, at] only, and resolveSubjects accepts it for 12 h on any number of records). One lookup of a customer's email
  // lets the officer log any number of other records, for other legal processes, each claiming "matched by email w***@…"
  // without a lookup on the record for them. The record's provenance ("how the legal process named them") is then not
  // what the docs promise: "the match is made once, on the record and counted". Fix: record the lookup (e.g. a
  // subject_lookups row or the customer.search audit id) in the token and consume it in the transaction that stores the
  // subject (delete/mark used, conditional on unused), or bind the token to the disclosure id for PUT.
  it('one lookup gives one record its subject: the same match cannot be replayed onto a second record', async () => {
    const m = await matchFor(9)
    const first = await createDisclosure(subpoena({ subjects: [{ customerId: 9, match: m.match }] }))
    expect(first.status).toBe(201)
    const second = await createDisclosure(subpoena({ caseNumber: '(2026) Other case', subjects: [{ customerId: 9, match: m.match }] }))
    expect(second.status).toBe(422)
  })

  // FINDING (medium): PUT /api/disclosures/:id with `subjects`/`subjectIds` adds customers to a record without a
  // `disclosure.subject` audit entry naming each (api/src/modules/disclosures/disclosures.service.ts, updateDisclosure:
  // only one `disclosure.update` entry with details.fields = ['subjectIds'], no customer_id, no matched_by), while
  // createDisclosure writes one per subject. The response still shows each added customer's masked name, country and
  // status, and nothing is counted against the lookup rate. So an officer can PUT 500 arbitrary customer ids at a time
  // onto an open record, read them back, and the audit desk filtered by customer shows nothing. Fix: in updateDisclosure
  // audit `disclosure.subject` (customerId, matched_by) for each subject not already on the record (and a removal entry
  // for those dropped), as createDisclosure does.
  it('a subject added by an edit is on the record against that customer, as one added at creation is', async () => {
    const created = await createDisclosure(subpoena({ subjectIds: [1] }))
    expect(created.status).toBe(201)
    const ids = Array.from({ length: 30 }, (_, i) => i + 2)
    const edited = await http.request('PUT', `/api/disclosures/${created.json.id}`, { cookie: officer, body: { subjectIds: ids } })
    expect(edited.status).toBe(200)
    expect(edited.json.subjects).toHaveLength(30)
    const subjectEntries = await t.db
      .selectFrom('audit_log')
      .select('customer_id')
      .where('action', '=', 'disclosure.subject')
      .where('entity_id', '=', String(created.json.id))
      .execute()
    expect(subjectEntries.map((e) => e.customer_id).sort((a, b) => a! - b!)).toEqual([1, ...ids])
  })
})

describe('GET /api/dashboard', () => {
  const fileRequest = async (customerId: number, filedBy: number, dueInDays: number) => {
    const at = clock.toISOString()
    await t.db
      .insertInto('data_requests')
      .values({
        customer_id: customerId,
        type: 'access',
        filed_by: filedBy,
        created_at: at,
        updated_at: at,
        due_at: new Date(clock.getTime() + dueInDays * 86_400_000).toISOString(),
      })
      .execute()
  }

  it('gives each role only its own counts: an agent the requests they filed, a manager nothing, an admin staff only', async () => {
    const agentId = await staffId('agent@example.com')
    const otherAgent = await t.addStaff('agent', 'other-agent@example.com', 'Other Agent')
    const officerId = await staffId('compliance@example.com')
    await fileRequest(1, agentId, -2)
    await fileRequest(2, otherAgent, 3)
    await fileRequest(3, otherAgent, 20)
    await fileRequest(4, officerId, 20)

    const agent = (await http.request('GET', '/api/dashboard', { cookie: await http.login('agent') })).json
    expect(agent).toEqual({ role: 'agent', requests: { overdue: 1, this_week: 0, later: 0 } })
    const other = (await http.request('GET', '/api/dashboard', { cookie: await http.login('other-agent@example.com') })).json
    expect(other).toEqual({ role: 'agent', requests: { overdue: 0, this_week: 1, later: 1 } })
    const manager = await http.request('GET', '/api/dashboard', { cookie: await http.login('manager') })
    expect(manager.json).toEqual({ role: 'manager' })
    const admin = await http.request('GET', '/api/dashboard', { cookie: await http.login('admin') })
    expect(Object.keys(admin.json).sort()).toEqual(['grants', 'role', 'staff'])
    const compliance = (await http.request('GET', '/api/dashboard', { cookie: officer })).json
    expect(compliance.requests).toEqual({ overdue: 1, this_week: 1, later: 2 })
    expect((await http.request('GET', '/api/dashboard')).status).toBe(401)
    // no names, emails or ids in any of them: counts only
    for (const body of [agent, other, manager.json, admin.json, compliance]) {
      expect(JSON.stringify(body)).not.toMatch(/@|customer|first_name|name/)
    }
  })

  it('ignores query filters that would widen an agent’s counts', async () => {
    const otherAgent = await t.addStaff('agent', 'other-agent@example.com', 'Other Agent')
    await fileRequest(2, otherAgent, -1)
    const agent = await http.login('agent')
    for (const q of ['?filed_by=' + otherAgent, '?role=compliance', '?filter={"filed_by":' + otherAgent + '}']) {
      const res = await http.request('GET', `/api/dashboard${q}`, { cookie: agent })
      expect(res.json, q).toEqual({ role: 'agent', requests: { overdue: 0, this_week: 0, later: 0 } })
    }
  })
})

describe('audit desk additions', () => {
  it('GET /audit-log/staff and /audit-log/verify/latest are compliance and admin only, and show no emails or hashes', async () => {
    for (const role of ['agent', 'manager'] as const) {
      const cookie = await http.login(role)
      expect((await http.request('GET', '/api/audit-log/staff', { cookie })).status, role).toBe(403)
      expect((await http.request('GET', '/api/audit-log/verify/latest', { cookie })).status, role).toBe(403)
    }
    expect((await http.request('GET', '/api/audit-log/staff')).status).toBe(401)
    for (const role of ['compliance', 'admin'] as const) {
      const cookie = await http.login(role)
      expect((await http.request('POST', '/api/audit-log/verify', { cookie })).status).toBe(200)
      const staff = await http.request('GET', '/api/audit-log/staff', { cookie })
      expect(staff.status).toBe(200)
      for (const s of staff.json) expect(Object.keys(s).sort()).toEqual(['id', 'name', 'role'])
      expect(staff.text).not.toMatch(/@|\$argon|\$2[aby]\$|hash|password/i)
      const latest = await http.request('GET', '/api/audit-log/verify/latest', { cookie })
      expect(latest.status).toBe(200)
      expect(Object.keys(latest.json.run).sort()).toEqual(['at', 'by', 'checked', 'checkpoint', 'firstBroken', 'ok'])
      expect(latest.text).not.toMatch(/@|hash|prev/i)
    }
  })

  it('staff_name in the audit list is a name, never an email, and admins see it only on staff/auth/settings entries', async () => {
    const admin = await http.login('admin')
    const agentId = await staffId('agent@example.com')
    expect((await http.request('PUT', `/api/staff/${agentId}`, { cookie: admin, body: { name: 'Renamed Agent' } })).status).toBeLessThan(
      500,
    )
    await lookup((await customer(3)).email!)
    for (const cookie of [officer, admin]) {
      const res = await http.request('GET', listUrl('audit-log', { range: [0, 199] }), { cookie })
      expect(res.status).toBe(200)
      for (const row of res.json) {
        if (row.staff_name !== null) expect(row.staff_name).not.toContain('@')
        if (row.actor_name !== null) expect(row.actor_name).not.toContain('@')
      }
      if (cookie === admin) {
        expect(res.json.every((r: { customer_id: number | null }) => r.customer_id === null)).toBe(true)
        expect(res.json.some((r: { action: string }) => r.action === 'customer.search')).toBe(false)
      }
    }
  })
})

describe('flags desk additions', () => {
  const raise = (flag: Parameters<typeof raiseFlag>[2]) =>
    inTransaction(t.db, (trx) =>
      raiseFlag(trx, { staff: null, ip: null, now: clock, config: { auditKey: TEST_AUDIT_KEY } } as Parameters<typeof raiseFlag>[1], flag),
    )

  it('an officer cannot resolve a flag about themselves, though it is listed; another officer can', async () => {
    const me = await staffId('compliance@example.com')
    const aboutMe = await raise({ kind: 'search_rate', staffId: me, details: { lookups_in_minute: 40, limit: 30 } })
    const listed = await http.request('GET', listUrl('flags', { range: [0, 49] }), { cookie: officer })
    expect(listed.json.find((f: { id: number }) => f.id === aboutMe)).toMatchObject({ actions: [] })
    const res = await http.request('POST', `/api/flags/${aboutMe}/resolve`, { cookie: officer, body: { resolution: 'Fine.' } })
    expect(res.status).toBe(403)
    expect(
      (await t.db.selectFrom('flags').select('resolved_at').where('id', '=', aboutMe).executeTakeFirstOrThrow()).resolved_at,
    ).toBeNull()
    await t.addStaff('compliance', 'second@example.com', 'Second Officer')
    const second = await http.login('second@example.com')
    expect((await http.request('POST', `/api/flags/${aboutMe}/resolve`, { cookie: second, body: { resolution: 'Fine.' } })).status).toBe(
      200,
    )
  })

  it('the flags desk is compliance only', async () => {
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const cookie = await http.login(role)
      expect((await http.request('GET', listUrl('flags'), { cookie })).status, role).toBe(403)
    }
  })

  it('the customer name on a flag is exactly maskName, for Latin, CJK, one-letter and surrogate-pair names', async () => {
    const names: [string | null, string | null][] = [
      ['Wei', 'Zhang'],
      ['磊', '周'],
      ['Ó', 'Brien'],
      ['𠮷野', '家'],
      [null, 'Smith'],
      ['Ann', ''],
    ]
    const ids: number[] = []
    for (const [i, [first, last]] of names.entries()) {
      await t.db
        .updateTable('customers')
        .set({ first_name: first, last_name: last })
        .where('id', '=', i + 1)
        .execute()
      ids.push(await raise({ kind: 'minor_without_consent', customerId: i + 1, details: { under_age: 18 } }))
    }
    const listed = await http.request('GET', listUrl('flags', { range: [0, 49] }), { cookie: officer })
    for (const [i, [first, last]] of names.entries()) {
      const flag = listed.json.find((f: { id: number }) => f.id === ids[i])
      expect(flag.customer_name).toBe(maskName(first, last))
      expect(flag).not.toHaveProperty('first_name')
      expect(flag).not.toHaveProperty('last_name')
      if (first && Array.from(first).length > 1) expect(listed.text).not.toContain(first)
    }
  })
})
