import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, listUrl, planOf, TEST_DIALECT } from '../../testing.js'
import { classifySearch, nameTokens } from './customers.search.js'
import { maskPhone, maskEmail, maskName, personName } from '../../platform/masking.js'

/** The details of the last search on the record. */
async function lastSearchDetails(t: Awaited<ReturnType<typeof createTestApp>>) {
  const entry = await t.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'customer.search')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  return JSON.parse(entry.details)
}

describe('masks', () => {
  it('match docs/design.md', () => {
    expect(maskName('Wei', 'Zhang')).toBe('Z***')
    expect(maskName('émile', 'Ölçer')).toBe('Ö***')
    expect(maskName('Cher', null)).toBe('C***')
    expect(maskName(null, null)).toBe('')
    expect(maskName('伟', '王')).toBe('王*')
    expect(maskName('磊', '周')).toBe('周*')
    expect(maskName('さくら', '佐藤')).toBe('佐*')
    expect(maskName('민준', '김')).toBe('김*')
    expect(personName('磊', '周')).toBe('周磊')
    expect(personName('Wei', 'Zhang')).toBe('Wei Zhang')
    expect(maskEmail('wei.zhang@163.com')).toBe('w***@163.com')
    expect(maskPhone('+86 138 1234 5678')).toBe('+•• ••• •••• ••••')
  })
})

describe('what a search is', () => {
  it('is told from what the agent types', () => {
    expect(classifySearch('wei@163.com')).toBe('email')
    expect(classifySearch('TM20240101000000123')).toBe('order_number')
    expect(classifySearch('1042')).toBe('id')
    expect(classifySearch('+86 138 1234 5678')).toBe('phone')
    expect(classifySearch('13812345678')).toBe('phone')
    expect(classifySearch('612345678')).toBe('phone')
    expect(classifySearch('Wang Wei')).toBe('name')
    expect(nameTokens('王伟')).toEqual(['王', '伟'])
    expect(nameTokens('Wang  WEI')).toEqual(['wang', 'wei'])
  })
})

describe('GET /api/customers?filter={q}', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let agent: string
  beforeAll(async () => {
    t = await createTestApp({ customers: 300 })
    agent = await t.login('agent')
  })
  afterAll(() => t.close())
  const search = async (q: string) =>
    (await t.request('GET', listUrl('customers', { filter: { q } }), { cookie: agent })).json.map((c: { id: number }) => c.id)

  it('finds a caller by email (any case, full-width), id, order number, phone and name', async () => {
    const c = await t.db.selectFrom('customers').selectAll().where('country', '=', 'CN').orderBy('id').executeTakeFirstOrThrow()
    const order = await t.db.selectFrom('orders').select('number').where('customer_id', '=', c.id).executeTakeFirstOrThrow()
    const fullWidth = c.email!.toUpperCase().replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    expect(await search(c.email!.toUpperCase())).toEqual([c.id])
    expect(await search(fullWidth)).toEqual([c.id])
    expect(await search(String(c.id))).toContain(c.id)
    expect(await search(order.number.toLowerCase())).toEqual([c.id])
    const national = c.phone!.replace(/^\+86 /, '')
    expect(await search(c.phone!)).toContain(c.id)
    expect(await search(national.replace(/ /g, '-'))).toContain(c.id)
    expect(await search(`${c.first_name} ${c.last_name}`)).toContain(c.id)
    expect(await search(`${c.last_name} ${c.first_name}`)).toContain(c.id)
  })

  it('finds a customer registered with a Chinese name, written as one word', async () => {
    const c = await t.db
      .selectFrom('customers')
      .selectAll()
      .where((eb) => eb(eb.fn('length', ['last_name']), '=', 1))
      .orderBy('id')
      .executeTakeFirstOrThrow()
    expect(await search(`${c.last_name}${c.first_name}`)).toContain(c.id)
  })

  it('answers only masked results', async () => {
    const c = await t.db.selectFrom('customers').selectAll().orderBy('id').executeTakeFirstOrThrow()
    const res = await t.request('GET', listUrl('customers', { filter: { q: c.email } }), { cookie: agent })
    expect(res.json[0]).toEqual({
      id: c.id,
      name: maskName(c.first_name, c.last_name),
      email: maskEmail(c.email),
      phone: maskPhone(c.phone),
      city: c.city,
      country: c.country,
      status: c.status,
      masked: true,
    })
  })

  it('refuses an empty search from an agent, and too short a phone number', async () => {
    const empty = await t.request('GET', listUrl('customers'), { cookie: agent })
    expect(empty.status).toBe(400)
    expect(empty.json.error.fields.q).toBeTruthy()
    const short = await t.request('GET', listUrl('customers', { filter: { q: '+86 5678' } }), { cookie: agent })
    expect(short.status).toBe(400)
    expect(short.json.error.reason).toBe('phone_incomplete')
    // Refused, yet on the record: fragments of numbers tried one after another show on the audit desk.
    expect(await lastSearchDetails(t)).toMatchObject({ kind: 'phone', refused: 'phone_incomplete', results: 0 })
    expect((await t.request('GET', listUrl('customers'), { cookie: await t.login('compliance') })).status).toBe(200)
  })

  it('records each search by kind, the customers found and a keyed hash of the term, never the search text', async () => {
    const c = await t.db.selectFrom('customers').selectAll().orderBy('id').executeTakeFirstOrThrow()
    const lastSearch = () =>
      t.db.selectFrom('audit_log').selectAll().where('action', '=', 'customer.search').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await search(c.email!)
    const first = await lastSearch()
    const details = JSON.parse(first.details)
    expect(details).toEqual({ kind: 'email', results: 1, customers: [c.id], term_hmac: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(JSON.stringify(first)).not.toContain(c.email)
    // The same value typed another way is the same probe, so repeated probes of one value can be tied together.
    await search(c.email!.toUpperCase())
    expect(JSON.parse((await lastSearch()).details).term_hmac).toBe(details.term_hmac)
    await search('someone.else@example.com')
    expect(JSON.parse((await lastSearch()).details).term_hmac).not.toBe(details.term_hmac)
  })

  it('lists everyone for compliance in any order it sorts by, ties in the same direction, a page read off an index', async () => {
    const compliance = await t.login('compliance')
    for (const field of ['created_at', 'country', 'status'] as const) {
      for (const order of ['ASC', 'DESC'] as const) {
        const res = await t.request('GET', listUrl('customers', { sort: [field, order], range: [0, 299] }), { cookie: compliance })
        expect(res.status).toBe(200)
        const ids = (res.json as { id: number }[]).map((c) => c.id)
        const rows = await t.db.selectFrom('customers').select(['id', field]).execute()
        const key = new Map(rows.map((r) => [r.id, String(r[field])]))
        const sign = order === 'ASC' ? 1 : -1
        const byKey = (a: number, b: number) => sign * (key.get(a)! < key.get(b)! ? -1 : key.get(a)! > key.get(b)! ? 1 : a - b)
        expect(ids).toEqual([...rows.map((r) => r.id)].sort(byKey))
      }
    }
    if (TEST_DIALECT === 'sqlite') {
      const plan = async (query: string) => (await planOf(t.handle, query)).join(' | ')
      for (const [field, index] of [
        ['created_at', 'customers_created_at_idx'],
        ['country', 'customers_country_idx'],
        ['status', 'customers_status_idx'],
      ]) {
        expect(await plan(`select * from customers order by ${field} desc, id desc limit 25 offset 100`)).toBe(
          `SCAN customers USING INDEX ${index}`,
        )
      }
    }
  })

  it('filters by country and status at once, counting the matches off one index', async () => {
    const compliance = await t.login('compliance')
    const { country, status } = await t.db.selectFrom('customers').select(['country', 'status']).orderBy('id').executeTakeFirstOrThrow()
    const res = await t.request('GET', listUrl('customers', { filter: { country, status }, range: [0, 299] }), { cookie: compliance })
    expect(res.status).toBe(200)
    const matching = await t.db.selectFrom('customers').select('id').where('country', '=', country).where('status', '=', status).execute()
    expect(Number(res.headers.get('content-range')!.split('/')[1])).toBe(matching.length)
    expect(new Set(res.json.map((c: { id: number }) => c.id))).toEqual(new Set(matching.map((m) => m.id)))
    if (TEST_DIALECT === 'sqlite') {
      const plan = await planOf(t.handle, `select count(*) from customers where status = ? and country = ?`, [status, country])
      expect(plan.join(' | ')).toBe('SEARCH customers USING COVERING INDEX customers_country_status_idx (country=? AND status=?)')
    }
  })
})

describe('a name many customers share', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let agent: string
  let compliance: string
  beforeAll(async () => {
    t = await createTestApp({ customers: 40 })
    ;[agent, compliance] = [await t.login('agent'), await t.login('compliance')]
    // Among the others, interleaved: Qin as the family name, as the given name, and as both.
    const model = await t.db.selectFrom('customers').selectAll().orderBy('id').executeTakeFirstOrThrow()
    const { id: _id, ...base } = model
    const names = [
      ['Li', 'Qin'],
      ['Qin', 'Hao'],
      ['Qin', 'Qin'],
      ['Hao', 'Li'],
    ] as const
    for (let i = 0; i < 240; i++) {
      const [first, last] = names[i % names.length]!
      await t.db
        .insertInto('customers')
        .values({
          ...base,
          first_name: first,
          last_name: last,
          first_name_folded: first.toLowerCase(),
          last_name_folded: last.toLowerCase(),
          email: `namesake.${i}@example.com`,
          status: i % 9 === 0 ? 'locked' : 'active',
        })
        .execute()
    }
  })
  afterAll(() => t.close())

  const expected = async (status?: 'locked') => {
    let query = t.db
      .selectFrom('customers')
      .select('id')
      .where((eb) => eb.or([eb('last_name_folded', '=', 'qin'), eb('first_name_folded', '=', 'qin')]))
    if (status) query = query.where('status', '=', status)
    return (await query.orderBy('id').execute()).map((r) => r.id)
  }
  const page = async (cookie: string, range: [number, number], order: 'ASC' | 'DESC' = 'ASC', extra: object = {}) => {
    const res = await t.request('GET', listUrl('customers', { filter: { q: 'QIN', ...extra }, range, sort: ['id', order] }), { cookie })
    expect(res.status).toBe(200)
    return { ids: res.json.map((c: { id: number }) => c.id), total: Number(res.headers.get('content-range')!.split('/')[1]) }
  }

  it('pages through every match by id, each once, in either order, with the whole count', async () => {
    const all = await expected()
    expect(all).toHaveLength(180)
    expect(await page(agent, [0, 9])).toEqual({ ids: all.slice(0, 10), total: 180 })
    expect(await page(agent, [20, 44])).toEqual({ ids: all.slice(20, 45), total: 180 })
    expect(await page(agent, [0, 24], 'DESC')).toEqual({ ids: all.toReversed().slice(0, 25), total: 180 })
    // past the matches the audit entry names, and past the end
    expect(await page(compliance, [150, 199])).toEqual({ ids: all.slice(150), total: 180 })
    expect(await page(compliance, [400, 409])).toEqual({ ids: [], total: 180 })
    const locked = await expected('locked')
    expect(await page(compliance, [0, 499], 'ASC', { status: 'locked' })).toEqual({ ids: locked, total: locked.length })
  })

  it('names the first hundred matches in the audit entry and remembers them as found, whichever page was shown', async () => {
    const all = await expected()
    const before = await t.db
      .selectFrom('search_hits')
      .select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('id'))
      .executeTakeFirstOrThrow()
    const shown = await page(agent, [10, 19])
    expect(await lastSearchDetails(t)).toMatchObject({ kind: 'name', results: 180, customers: all.slice(0, 100) })
    const hits = await t.db
      .selectFrom('search_hits')
      .select(['customer_id', 'kind'])
      .where('id', '>', Number(before.id))
      .orderBy('id')
      .execute()
    expect(shown.ids).toEqual(all.slice(10, 20))
    expect(hits).toEqual(all.slice(0, 100).map((id) => ({ customer_id: id, kind: 'name' })))
    // a page further down is remembered too
    const further = await page(agent, [150, 174])
    expect(further.ids).toEqual(all.slice(150, 175))
    const remembered = await t.db
      .selectFrom('search_hits')
      .select('customer_id')
      .where('id', '>', Number(before.id) + 100)
      .execute()
    expect(remembered.map((h) => h.customer_id)).toEqual([...all.slice(0, 100), ...all.slice(150, 175)])
    expect((await lastSearchDetails(t)).customers).toEqual([...all.slice(0, 100), ...all.slice(150, 175)])
  })
})
