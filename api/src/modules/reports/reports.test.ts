import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, TEST_AUDIT_KEY } from '../../testing.js'
import { KEY_SLICES, PERTURBATION_BOUND, PERTURBATION_TABLE, perturbation, publishCells, recordKeys } from './cell-key.js'
import { ageOn } from '../../platform/age.js'
import { ageBand } from './age-bands.js'
import { periodOf } from './reports.service.js'

describe('the perturbation table', () => {
  it('is zero-mean, bounded and never takes a count below zero', () => {
    expect(PERTURBATION_TABLE.length).toBeGreaterThan(0)
    PERTURBATION_TABLE.forEach((row, count) => {
      expect(row).toHaveLength(KEY_SLICES)
      expect(row.reduce((s, p) => s + p, 0)).toBe(0)
      for (const p of row) {
        expect(Math.abs(p)).toBeLessThanOrEqual(PERTURBATION_BOUND)
        expect(count + p).toBeGreaterThanOrEqual(0)
      }
    })
    for (let count = 0; count < 50; count++)
      for (let slice = 0; slice < KEY_SLICES; slice++) {
        const p = perturbation(count, slice * 2 ** 24)
        expect(count + p).toBeGreaterThanOrEqual(0)
        expect(Math.abs(p)).toBeLessThanOrEqual(PERTURBATION_BOUND)
      }
  })

  it('perturbs larger counts too, not only small ones', () => {
    const seen = new Set(Array.from({ length: KEY_SLICES }, (_, s) => perturbation(1000, s * 2 ** 24)))
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2])
  })

  it('gives the same answer for the same people, and record keys depend on the secret', () => {
    const a = recordKeys(TEST_AUDIT_KEY)
    const b = recordKeys(new TextEncoder().encode('another key'))
    expect(a(42)).toBe(recordKeys(TEST_AUDIT_KEY)(42))
    expect(a(42)).not.toBe(b(42))
    expect(Number.isInteger(a(42)) && a(42) >= 0 && a(42) < 2 ** 32).toBe(true)
    const cells = [{ key: ['x'], count: 57, cellKey: 123_456_789 }]
    expect(publishCells(cells, 10)).toEqual(publishCells(cells, 10))
  })

  it('hides a cell whose true or shown count is under k', () => {
    const [small, large] = publishCells(
      [
        { key: ['a'], count: 9, cellKey: 2 ** 32 - 1 }, // the last slice: +2 for counts of 2 or more
        { key: ['b'], count: 11, cellKey: 0 }, // the first slice: −2
      ],
      10,
    )
    expect(small).toEqual({ key: ['a'], count: null, suppressed: true })
    expect(large).toEqual({ key: ['b'], count: null, suppressed: true })
    expect(publishCells([{ key: ['c'], count: 10, cellKey: 2 ** 31 }], 10)[0]).toEqual({ key: ['c'], count: 10, suppressed: false })
  })
})

describe('signup periods', () => {
  it('are one whole calendar month, quarter or year', () => {
    expect(periodOf('2024-02-01', '2024-02-29')).toBe('month')
    expect(periodOf('2023-02-01', '2023-02-28')).toBe('month')
    expect(periodOf('2023-02-01', '2023-02-29')).toBeNull()
    expect(periodOf('2024-10-01', '2024-12-31')).toBe('quarter')
    expect(periodOf('2024-11-01', '2025-01-31')).toBeNull()
    expect(periodOf('2024-01-01', '2024-12-31')).toBe('year')
    expect(periodOf('2024-07-01', '2025-06-30')).toBeNull()
    expect(periodOf('2024-01-01', '2025-12-31')).toBeNull()
  })
})

describe('age bands', () => {
  it('counts a year on each birthday, and 29 February birthdays from 1 March in common years', () => {
    expect(ageOn('2013-06-15', '2026-06-14')).toBe(12)
    expect(ageOn('2013-06-15', '2026-06-15')).toBe(13)
    expect(ageOn('2012-02-29', '2025-02-28')).toBe(12)
    expect(ageOn('2012-02-29', '2025-03-01')).toBe(13)
    expect(ageOn('2012-02-29', '2024-02-29')).toBe(12)
  })

  it('puts each age at the edge of its band', () => {
    const today = '2026-11-27'
    const bornYearsAgo = (years: number, dayShift = 0) => {
      const d = new Date(Date.UTC(2026 - years, 10, 27 + dayShift))
      return d.toISOString().slice(0, 10)
    }
    const edges: [number, string, string][] = [
      [13, 'under_13', '13-17'],
      [18, '13-17', '18-24'],
      [25, '18-24', '25-34'],
      [35, '25-34', '35-44'],
      [45, '35-44', '45-54'],
      [55, '45-54', '55-64'],
      [65, '55-64', '65+'],
    ]
    for (const [age, before, from] of edges) {
      expect(ageBand(bornYearsAgo(age, 1), today), `a day short of ${age}`).toBe(before)
      expect(ageBand(bornYearsAgo(age), today), `${age} today`).toBe(from)
    }
    expect(ageBand(bornYearsAgo(0), today)).toBe('under_13')
    expect(ageBand(null, today)).toBe('unknown')
  })
})

describe('GET /api/reports/demographics', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let manager: string
  beforeAll(async () => {
    t = await createTestApp({ customers: 400 })
    manager = await t.login('manager')
  })
  afterAll(() => t.close())

  it('never shows a count under k, and keeps the contract shape', async () => {
    for (const by of ['age_band', 'gender', 'country', 'region', 'signup_month', 'age_band,gender', 'country,region,gender']) {
      const res = await t.request('GET', `/api/reports/demographics?by=${by}`, { cookie: manager })
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ k: 10, by: by.split(','), from: null, to: null, noise: PERTURBATION_BOUND })
      for (const row of res.json.rows) {
        for (const d of by.split(',')) expect(typeof row[d]).toBe('string')
        if (row.suppressed) expect(row.count).toBeNull()
        else expect(row.count).toBeGreaterThanOrEqual(10)
      }
    }
  })

  it('gives the same answer to the same question, and shown counts stay within the bound of the truth', async () => {
    const a = await t.request('GET', '/api/reports/demographics?by=gender,age_band', { cookie: manager })
    const b = await t.request('GET', '/api/reports/demographics?by=gender,age_band', { cookie: manager })
    expect(a.json).toEqual(b.json)
    const total = (
      await t.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n
    const byGender = await t.request('GET', '/api/reports/demographics?by=gender', { cookie: manager })
    const truth = await t.db.selectFrom('customers').select(['gender']).execute()
    for (const row of byGender.json.rows.filter((r: { suppressed: boolean }) => !r.suppressed)) {
      const real = truth.filter((c) => (c.gender ?? 'unknown') === row.gender).length
      expect(Math.abs(row.count - real)).toBeLessThanOrEqual(PERTURBATION_BOUND)
    }
    expect(Number(total)).toBe(400)
  })

  it('lists hidden groups over every combination of shown values, so a listed hidden group may hold no one', async () => {
    const res = await t.request('GET', '/api/reports/demographics?by=age_band,gender', { cookie: manager })
    const bands = new Set(res.json.rows.map((r: { age_band: string }) => r.age_band))
    const genders = new Set(res.json.rows.map((r: { gender: string }) => r.gender))
    expect(res.json.rows).toHaveLength(bands.size * genders.size)
  })

  it('bands ages as the policy cares about them, youngest first', async () => {
    const res = await t.request('GET', '/api/reports/demographics?by=age_band', { cookie: manager })
    const bands = res.json.rows.map((r: { age_band: string }) => r.age_band)
    expect(bands).toEqual(expect.arrayContaining(['18-24', '25-34', '35-44']))
    const order = ['under_13', '13-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown']
    expect(bands).toEqual([...bands].sort((a: string, b: string) => order.indexOf(a) - order.indexOf(b)))
  })

  it('counts only customers who signed up in the range, and never erased ones', async () => {
    const report = async (q: string) => {
      const res = await t.request('GET', `/api/reports/demographics?by=gender${q}`, { cookie: manager })
      expect(res.status).toBe(200)
      return res.json
    }
    const inRange = await t.db
      .selectFrom('customers')
      .select(['gender'])
      .where('created_at', '>=', '2024-01-01T00:00:00.000Z')
      .where('created_at', '<', '2025-01-01T00:00:00.000Z')
      .execute()
    const ranged = await report('&from=2024-01-01&to=2024-12-31')
    expect(ranged).toMatchObject({ from: '2024-01-01', to: '2024-12-31' })
    const shown = ranged.rows.filter((r: { suppressed: boolean }) => !r.suppressed)
    expect(shown.length).toBeGreaterThan(0)
    for (const row of shown) {
      const real = inRange.filter((c) => (c.gender ?? 'unknown') === row.gender).length
      expect(Math.abs(row.count - real)).toBeLessThanOrEqual(PERTURBATION_BOUND)
    }
    // Erasing everyone who signed up in 2024 takes the year out of the report.
    await t.db
      .updateTable('customers')
      .set({ status: 'erased' })
      .where('created_at', '>=', '2024-01-01T00:00:00.000Z')
      .where('created_at', '<', '2025-01-01T00:00:00.000Z')
      .execute()
    expect((await report('&from=2024-01-01&to=2024-12-31')).rows).toEqual([])
  })

  it('refuses unknown dimensions, parameters and bad ranges', async () => {
    for (const q of [
      'by=email',
      'by=age_band,age_band',
      'by=age_band&x=1',
      'by=age_band,gender,country,region',
      'by=age_band&from=2024-13-01',
      'by=age_band&from=2024-1-1',
      'by=age_band&to=yesterday',
      'by=age_band&from=2024-06-01&to=2024-05-31',
      'by=age_band&from=2024-01-01',
      'by=age_band&to=2024-12-31',
      // Overlapping free ranges would let a small group be averaged out of their differences: only whole periods.
      'by=age_band&from=2024-01-01&to=2024-01-30',
      'by=age_band&from=2024-01-02&to=2024-02-01',
      'by=age_band&from=2024-02-01&to=2024-04-30',
      'by=age_band&from=2023-07-01&to=2024-06-30',
      'by=age_band&from=2019-01-01&to=2022-12-31',
    ]) {
      const res = await t.request('GET', `/api/reports/demographics?${q}`, { cookie: manager })
      expect(res.status, q).toBe(400)
    }
  })

  it('is for managers, compliance and admins, not agents', async () => {
    const agent = await t.login('agent')
    expect((await t.request('GET', '/api/reports/demographics?by=age_band', { cookie: agent })).status).toBe(403)
  })
})
