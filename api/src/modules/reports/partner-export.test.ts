import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, inParallel, tally, type TestResponse } from '../../testing.js'
import { csvField, toCsv } from './partner-export.js'
import { DIMENSIONS } from './reports.service.js'

type App = Awaited<ReturnType<typeof createTestApp>>

/** A CSV document read back (RFC 4180): rows of fields, quotes undone. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n'), 'the document ends with CRLF').toBe(true)
  return parse(text, { record_delimiter: '\r\n' })
}

/** The rows of a CSV export as objects by column name. */
function records(res: TestResponse) {
  const [header, ...lines] = parseCsv(res.text)
  return { header: header!, rows: lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i]!]))) }
}

/** A report's JSON rows as the CSV writes them: numbers as digits, null as empty, booleans as true/false. */
const asCsvRow = (row: Record<string, unknown>, columns: string[]) =>
  Object.fromEntries(columns.map((c) => [c, row[c] === null || row[c] === undefined ? '' : String(row[c])]))

const combinations = <T>(items: readonly T[], size: number): T[][] =>
  size === 0 ? [[]] : items.flatMap((item, i) => combinations(items.slice(i + 1), size - 1).map((rest) => [item, ...rest]))

const exportsOf = (t: App) => t.db.selectFrom('report_exports').selectAll().orderBy('id').execute()
const exportAudits = (t: App) => t.db.selectFrom('audit_log').selectAll().where('action', '=', 'report.exported').orderBy('id').execute()

describe('CSV writing', () => {
  it('quotes by RFC 4180 and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('+1')).toBe("'+1")
    expect(csvField('-1')).toBe("'-1")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField('\tx')).toBe("'\tx")
    expect(csvField('\rx')).toBe('"\'\rx"')
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(csvField(-3)).toBe('-3')
    expect(csvField(null)).toBe('')
    expect(csvField(true)).toBe('true')
    expect(toCsv(['a', 'b'], [{ a: 1, b: null }])).toBe('a,b\r\n1,\r\n')
  })
})

describe('POST /api/reports/exports', () => {
  let t: App
  let manager: string
  let year: string
  beforeAll(async () => {
    t = await createTestApp({ customers: 400 })
    manager = await t.login('manager')
    // the year most customers signed up in
    const years = new Map<string, number>()
    for (const c of await t.db.selectFrom('customers').select('created_at').execute()) {
      const y = String(c.created_at).slice(0, 4)
      years.set(y, (years.get(y) ?? 0) + 1)
    }
    year = [...years].sort((a, b) => b[1] - a[1])[0]![0]
  })
  afterAll(() => t.close())

  const send = (body: unknown, cookie = manager) => t.request('POST', '/api/reports/exports', { body, cookie })

  it('exports a demographics table exactly as shown, as a named CSV download', async () => {
    const period = `from=${year}-01-01&to=${year}-12-31`
    for (const [by, query] of [
      ['age_band,country', period],
      ['age_band,gender,country', ''],
    ] as const) {
      const shown = await t.request('GET', `/api/reports/demographics?by=${by}&${query}`, { cookie: manager })
      const res = await send({ report: 'demographics', by, ...(query ? { from: `${year}-01-01`, to: `${year}-12-31` } : {}) })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      const name = `verity-demographics-${by.replaceAll(',', '-')}-${query ? year : 'all'}.csv`
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`)
      expect(res.headers.get('x-privacy-budget-remaining')).toBeNull()
      expect(res.text.split('\r\n')[0]).toBe(`${by},count,suppressed`)
      const { header, rows } = records(res)
      expect(rows).toEqual(shown.json.rows.map((r: Record<string, unknown>) => asCsvRow(r, header)))
      for (const r of rows) {
        expect(['true', 'false']).toContain(r.suppressed)
        if (r.suppressed === 'true') expect(r.count).toBe('')
        else expect(Number(r.count)).toBeGreaterThanOrEqual(10)
      }
      if (!query) expect(rows.some((r) => r.suppressed === 'true')).toBe(true)
    }
  })

  it('exports commerce and buyers tables as shown', async () => {
    for (const by of ['month', 'country', 'region', 'month,country']) {
      const shown = await t.request('GET', `/api/reports/commerce?by=${by}`, { cookie: manager })
      const res = await send({ report: 'commerce', by })
      expect(res.status).toBe(200)
      const { header, rows } = records(res)
      expect(header).toEqual([
        ...(by === 'region' ? ['country', 'region'] : by.split(',')),
        'currency',
        'orders',
        'revenue_cents',
        'average_cents',
        'suppressed',
      ])
      expect(rows).toEqual(shown.json.rows.map((r: Record<string, unknown>) => asCsvRow(r, header)))
      expect(res.headers.get('content-disposition')).toContain(`verity-commerce-${by.replace(',', '-')}-all.csv`)
    }
    const shown = await t.request('GET', `/api/reports/buyers?from=${year}-01-01&to=${year}-12-31`, { cookie: manager })
    const res = await send({ report: 'buyers', from: `${year}-01-01`, to: `${year}-12-31` })
    expect(res.status).toBe(200)
    const { header, rows } = records(res)
    expect(header).toEqual(['month', 'new', 'returning', 'suppressed'])
    expect(rows).toEqual(shown.json.rows.map((r: Record<string, unknown>) => asCsvRow(r, header)))
    expect(res.headers.get('content-disposition')).toContain(`verity-buyers-${year}.csv`)
  })

  it('never shows a count under k in any table of one to three dimensions', async () => {
    for (const size of [1, 2, 3])
      for (const dims of combinations(DIMENSIONS, size)) {
        const res = await send({ report: 'demographics', by: dims.join(',') })
        expect(res.status, dims.join(',')).toBe(200)
        const { header, rows } = records(res)
        expect(header).toEqual([...dims, 'count', 'suppressed'])
        for (const r of rows) {
          if (r.suppressed === 'true') expect(r.count, dims.join(',')).toBe('')
          else expect(Number(r.count), dims.join(',')).toBeGreaterThanOrEqual(10)
        }
      }
  })

  it('draws noisy counts from the true ones, within a sane range, and never shows a hidden cell', async () => {
    const truth = new Map<string, number>()
    for (const c of await t.db.selectFrom('customers').select('gender').where('status', '!=', 'erased').execute()) {
      const g = c.gender ?? 'unknown'
      truth.set(g, (truth.get(g) ?? 0) + 1)
    }
    const shown = records(await send({ report: 'demographics', by: 'gender' })).rows
    const noisy = await send({ report: 'demographics', by: 'gender', epsilon: 0.05 })
    expect(noisy.status).toBe(200)
    expect(noisy.headers.get('content-disposition')).toContain('verity-demographics-gender-all-epsilon-0.05.csv')
    expect(noisy.headers.get('x-privacy-budget-remaining')).toBe('2.95')
    const rows = records(noisy).rows
    expect(rows.map((r) => [r.gender, r.suppressed])).toEqual(shown.map((r) => [r.gender, r.suppressed]))
    let differs = false
    for (const r of rows) {
      if (r.suppressed === 'true') {
        expect(r.count).toBe('')
        continue
      }
      const count = Number(r.count)
      const real = truth.get(r.gender!)!
      expect(Number.isInteger(count) && count >= 0).toBe(true)
      // scale 1/ε = 20: a deviation past 400 has probability about e^−20
      expect(Math.abs(count - real)).toBeLessThanOrEqual(400)
      if (count !== real) differs = true
    }
    expect(differs).toBe(true)

    // a table with hidden cells keeps them hidden and empty
    const table = records(await send({ report: 'demographics', by: 'age_band,gender,country' })).rows
    const noisyTable = records(await send({ report: 'demographics', by: 'age_band,gender,country', epsilon: 1 })).rows
    expect(table.some((r) => r.suppressed === 'true')).toBe(true)
    expect(noisyTable.map((r) => r.suppressed)).toEqual(table.map((r) => r.suppressed))
    for (const r of noisyTable.filter((r) => r.suppressed === 'true')) expect(r.count).toBe('')
  })

  it('keeps a ledger row and an audit entry for every export, and lists them', async () => {
    const [ledgerBefore, auditsBefore] = [(await exportsOf(t)).length, (await exportAudits(t)).length]
    const res = await send({ report: 'commerce', by: 'country', from: `${year}-01-01`, to: `${year}-03-31` })
    expect(res.status).toBe(200)
    const ledger = await exportsOf(t)
    const audits = await exportAudits(t)
    expect(ledger).toHaveLength(ledgerBefore + 1)
    expect(audits).toHaveLength(auditsBefore + 1)
    const row = ledger.at(-1)!
    const staffId = (await t.db.selectFrom('staff_users').select('id').where('email', '=', 'manager@example.com').executeTakeFirstOrThrow())
      .id
    expect(row).toMatchObject({ staff_id: staffId, report: 'commerce', epsilon_hundredths: null, rows: records(res).rows.length })
    expect(JSON.parse(row.params)).toEqual({ by: 'country', from: `${year}-01-01`, to: `${year}-03-31` })
    const entry = audits.at(-1)!
    expect(entry).toMatchObject({ actor_id: staffId, entity_type: 'report_export', entity_id: String(row.id) })
    expect(JSON.parse(entry.details)).toEqual({
      report: 'commerce',
      by: 'country',
      from: `${year}-01-01`,
      to: `${year}-03-31`,
      epsilon: null,
      rows: row.rows,
    })

    const list = await t.request('GET', '/api/reports/exports', { cookie: await t.login('compliance') })
    expect(list.status).toBe(200)
    expect(list.json.exports[0]).toEqual({
      id: row.id,
      report: 'commerce',
      by: 'country',
      from: `${year}-01-01`,
      to: `${year}-03-31`,
      epsilon: null,
      rows: row.rows,
      staff: { id: staffId, name: expect.any(String) },
      createdAt: row.created_at,
    })
    expect(list.json.exports.map((e: { id: number }) => e.id)).toEqual(ledger.map((e) => e.id).reverse())
    expect(
      list.json.exports.filter((e: { epsilon: number | null }) => e.epsilon !== null).map((e: { epsilon: number }) => e.epsilon),
    ).toEqual([1, 0.05])
    expect(list.json.budget).toEqual({ year: new Date().getUTCFullYear(), total: 3, spent: 1.05, remaining: 1.95 })
  })

  it('refuses bad input with 400 and writes nothing', async () => {
    const before = (await exportsOf(t)).length
    const bad: [unknown, string][] = [
      [{ report: 'orders' }, 'report'],
      [{}, 'report'],
      [{ report: 'demographics', by: 'height' }, 'by'],
      [{ report: 'demographics', by: 'age_band,gender,country,region' }, 'by'],
      [{ report: 'demographics', by: 'gender,gender' }, 'by'],
      [{ report: 'commerce', by: 'gender' }, 'by'],
      [{ report: 'buyers', by: 'month' }, 'by'],
      [{ report: 'demographics', from: `${year}-01-01` }, 'to'],
      [{ report: 'demographics', from: `${year}-01-01`, to: `${year}-02-15` }, 'to'],
      [{ report: 'demographics', from: 'yesterday', to: `${year}-12-31` }, 'from'],
      [{ report: 'demographics', epsilon: 0 }, 'epsilon'],
      [{ report: 'demographics', epsilon: 3 }, 'epsilon'],
      [{ report: 'demographics', epsilon: 0.123 }, 'epsilon'],
      [{ report: 'demographics', epsilon: '1' }, 'epsilon'],
      [{ report: 'demographics', format: 'xlsx' }, 'format'],
    ]
    for (const [body, field] of bad) {
      const res = await send(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(
        Object.keys(res.json.error.fields ?? {}).some((f) => f === field || f.startsWith(`${field}.`)),
        JSON.stringify(body),
      ).toBe(true)
    }
    for (const report of ['commerce', 'buyers']) {
      const res = await send({ report, epsilon: 1 })
      expect(res.status).toBe(422)
      expect(res.json.error.message).toMatch(/demographics/)
    }
    expect(await exportsOf(t)).toHaveLength(before)
  })

  it('is for managers, compliance and admins only', async () => {
    const agent = await t.login('agent')
    expect((await send({ report: 'demographics' }, agent)).status).toBe(403)
    expect((await t.request('GET', '/api/reports/exports', { cookie: agent })).status).toBe(403)
    expect((await t.request('POST', '/api/reports/exports', { body: { report: 'demographics' } })).status).toBe(401)
    expect((await t.request('GET', '/api/reports/exports')).status).toBe(401)
    for (const role of ['compliance', 'admin'] as const) expect((await send({ report: 'buyers' }, await t.login(role))).status).toBe(200)
  })
})

describe('the privacy budget', () => {
  let t: App
  let manager: string
  beforeAll(async () => {
    t = await createTestApp({ customers: 120 })
    manager = await t.login('manager')
  })
  afterAll(() => t.close())

  const send = (body: unknown) => t.request('POST', '/api/reports/exports', { body, cookie: manager })

  it('is spent by noisy exports only, refused past it with what is left, and counted per calendar year', async () => {
    const admin = await t.login('admin')
    expect((await t.request('PUT', '/api/settings/export_epsilon_per_year', { body: { value: 1 }, cookie: admin })).status).toBe(200)
    expect((await t.request('PUT', '/api/settings/export_epsilon_per_year', { body: { value: 0.125 }, cookie: admin })).status).toBe(400)
    expect((await t.request('PUT', '/api/settings/export_epsilon_per_year', { body: { value: 21 }, cookie: admin })).status).toBe(400)
    // an export of last year does not count against this one
    const staffId = (await t.db.selectFrom('staff_users').select('id').where('email', '=', 'manager@example.com').executeTakeFirstOrThrow())
      .id
    const lastYear = new Date().getUTCFullYear() - 1
    await t.db
      .insertInto('report_exports')
      .values({
        staff_id: staffId,
        report: 'demographics',
        params: '{}',
        epsilon_hundredths: 100,
        rows: 1,
        created_at: `${lastYear}-12-31T23:59:59.999Z`,
      })
      .execute()

    for (const [epsilon, left] of [
      [0.4, '0.6'],
      [0.1, '0.5'],
      [0.3, '0.2'],
    ] as const) {
      const res = await send({ report: 'demographics', by: 'gender', epsilon })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-privacy-budget-remaining')).toBe(left)
    }
    const over = await send({ report: 'demographics', by: 'gender', epsilon: 0.3 })
    expect(over.status).toBe(409)
    expect(over.json.error).toMatchObject({
      code: 'conflict',
      reason: 'export_budget_spent',
      values: { remaining: 0.2, total: 1, epsilon: 0.3 },
    })
    expect(over.json.error.message).toContain('0.2 is left')
    // exporting as shown spends nothing and is never refused
    expect((await send({ report: 'demographics', by: 'gender' })).status).toBe(200)
    // 0.4 + 0.1 + 0.3 + 0.2 is exactly the budget, with no floating-point drift
    expect((await send({ report: 'demographics', by: 'gender', epsilon: 0.2 })).status).toBe(200)
    expect((await send({ report: 'demographics', by: 'gender', epsilon: 0.05 })).status).toBe(409)
    const list = await t.request('GET', '/api/reports/exports', { cookie: manager })
    expect(list.json.budget).toEqual({ year: lastYear + 1, total: 1, spent: 1, remaining: 0 })
    // the refusals are not in the ledger
    expect((await exportsOf(t)).map((e) => e.epsilon_hundredths)).toEqual([100, 40, 10, 30, null, 20])
  })
})

describe('exports sent together', () => {
  let t: App
  beforeAll(async () => {
    t = await createTestApp({ customers: 60 })
  })
  afterAll(() => t.close())

  it('never overspend the budget: exactly ⌊budget/ε⌋ of 30 succeed', async () => {
    const server = await t.listen()
    const cookie = await server.login('manager')
    const { statuses } = await inParallel(30, () =>
      server.request('POST', '/api/reports/exports', { cookie, body: { report: 'demographics', by: 'gender', epsilon: 0.4 } }),
    )
    expect(tally(statuses)).toEqual({ 200: 7, 409: 23 })
    const ledger = await exportsOf(t)
    expect(ledger).toHaveLength(7)
    expect(ledger.reduce((s, e) => s + e.epsilon_hundredths!, 0)).toBe(280)
    expect(await exportAudits(t)).toHaveLength(7)
  })
})

describe('formula injection', () => {
  let t: App
  beforeAll(async () => {
    t = await createTestApp({ customers: 200 })
  })
  afterAll(() => t.close())

  it('defuses a value that a spreadsheet would run', async () => {
    const ids = (await t.db.selectFrom('customers').select('id').orderBy('id').limit(40).execute()).map((c) => c.id)
    const region = '=HYPERLINK("http://evil.example","x"),1'
    await t.db.updateTable('customers').set({ region }).where('id', 'in', ids).execute()
    const res = await t.request('POST', '/api/reports/exports', {
      body: { report: 'demographics', by: 'region' },
      cookie: await t.login('manager'),
    })
    expect(res.status).toBe(200)
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""x""),1",`)
    expect(records(res).rows.find((r) => r.region === `'${region}`)).toMatchObject({ suppressed: 'false' })
  })
})
