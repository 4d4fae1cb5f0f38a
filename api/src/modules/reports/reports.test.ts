import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../testing.js'
import { suppressSmallCells } from './suppression.js'

describe('small-cell suppression', () => {
  it('hides cells under k', () => {
    const out = suppressSmallCells(
      [
        { key: ['a'], count: 50 },
        { key: ['b'], count: 3 },
        { key: ['c'], count: 40 },
        { key: ['d'], count: 4 },
      ],
      10,
    )
    expect(out.map((c) => c.count)).toEqual([50, null, 40, null])
  })

  it('hides a second cell where a single hidden one could be worked out from the total', () => {
    const out = suppressSmallCells(
      [
        { key: ['a'], count: 50 },
        { key: ['b'], count: 3 },
        { key: ['c'], count: 40 },
      ],
      10,
    )
    expect(out.map((c) => c.suppressed)).toEqual([false, true, true])
  })

  it('protects every row and column total of a two-way table', () => {
    const cells = [
      ['x', 'p', 30],
      ['x', 'q', 2],
      ['x', 'r', 25],
      ['y', 'p', 40],
      ['y', 'q', 35],
      ['y', 'r', 45],
      ['z', 'p', 20],
      ['z', 'q', 22],
      ['z', 'r', 28],
    ].map(([a, b, n]) => ({ key: [a as string, b as string], count: n as number }))
    const out = suppressSmallCells(cells, 10)
    const hidden = (pred: (k: string[]) => boolean) => out.filter((c) => pred(c.key) && c.suppressed).length
    for (const v of ['x', 'y', 'z']) expect([0, 2, 3]).toContain(hidden((k) => k[0] === v))
    for (const v of ['p', 'q', 'r']) expect([0, 2, 3]).toContain(hidden((k) => k[1] === v))
    expect(out.find((c) => c.key.join() === 'x,q')!.suppressed).toBe(true)
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

  it('never shows a count under k, and counts everyone in the visible and hidden cells together', async () => {
    for (const by of ['age_band', 'gender', 'country', 'region', 'signup_month', 'age_band,gender', 'country,region,gender']) {
      const res = await t.request('GET', `/api/reports/demographics?by=${by}`, { cookie: manager })
      expect(res.status).toBe(200)
      expect(res.json.k).toBe(10)
      for (const row of res.json.rows) {
        for (const d of by.split(',')) expect(typeof row[d]).toBe('string')
        if (row.suppressed) expect(row.count).toBeNull()
        else expect(row.count).toBeGreaterThanOrEqual(10)
      }
      expect(res.json.rows.filter((r: { suppressed: boolean }) => r.suppressed).length).not.toBe(1)
    }
  })

  it('bands ages as the policy cares about them', async () => {
    const res = await t.request('GET', '/api/reports/demographics?by=age_band', { cookie: manager })
    const bands = res.json.rows.map((r: { age_band: string }) => r.age_band)
    expect(bands).toEqual(expect.arrayContaining(['13-17', '18-24', '25-34', '35-44']))
    const order = ['under_13', '13-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown']
    expect(bands).toEqual([...bands].sort((a: string, b: string) => order.indexOf(a) - order.indexOf(b)))
  })

  it('refuses unknown dimensions and parameters', async () => {
    for (const q of ['by=email', 'by=age_band,age_band', 'by=age_band&x=1', 'by=age_band,gender,country,region']) {
      const res = await t.request('GET', `/api/reports/demographics?${q}`, { cookie: manager })
      expect(res.status).toBe(400)
    }
  })
})
