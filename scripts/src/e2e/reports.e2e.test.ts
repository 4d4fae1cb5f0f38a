import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, signIn, startJourney } from './harness.js'
import { checkedShots, choose, csvOf, WIDE } from './steps.js'

let j: Journey
beforeAll(async () => {
  // Enough customers that some age-by-country groups reach k and many do not.
  j = await startJourney({ customers: 1500 })
})
afterAll(() => j?.close())

describe('the demographics dashboard, in Chromium', () => {
  it('a manager crosses age band with country, sees hidden groups marked, and downloads the table and a noisy copy', async () => {
    const page = await j.newPage()
    await page.setViewportSize(WIDE)
    await signIn(page, j.base, 'manager')
    await page.getByRole('menu').getByText('Reports', { exact: true }).click()
    await page.getByRole('heading', { name: 'Customers by Age band' }).waitFor()
    await choose(page, 'Then by', 'Country')
    await page.getByRole('heading', { name: 'Customers by Age band × Country' }).waitFor()
    // two groupings are a heat map of every combination: countries named in words, hidden groups said, the hatching explained
    const map = page.getByRole('region', { name: /^Heat map of customers by Age band × Country/ })
    await map.waitFor()
    await expect(map.getByRole('columnheader', { name: 'China' }).count()).resolves.toBe(1)
    await expect(map.getByRole('cell', { name: 'hidden' }).count()).resolves.toBeGreaterThan(0)
    await page.getByText('Hidden: fewer than 10 customers (not zero; may also be empty)').waitFor()
    const { k } = (await (await page.request.get(`${j.base}/api/reports/demographics?by=age_band,country`)).json()) as { k: number }
    expect(k).toBe(10)
    const table = page.getByRole('region', { name: 'Exact figures' })
    await expect(table.getByRole('cell', { name: `hidden (fewer than ${k})` }).count()).resolves.toBeGreaterThan(0)
    await checkedShots(page, 'reports-demographics-age-country')

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^verity-demographics-age_band-country.*\.csv$/)
    const rows = await csvOf(download)
    expect(Object.keys(rows[0]!)).toEqual(['age_band', 'country', 'count', 'suppressed'])
    const hidden = rows.filter((r) => r.suppressed === 'true')
    const shown = rows.filter((r) => r.suppressed === 'false')
    expect(hidden.length).toBeGreaterThan(0)
    expect(shown.length).toBeGreaterThan(0)
    // no count under k is given; a hidden group says so and gives no count
    for (const r of shown) expect(Number(r.count)).toBeGreaterThanOrEqual(k)
    for (const r of hidden) expect(r.count).toBe('')
    // the file is the table on screen: a shown count in the file is in the table, next to its groups
    const first = shown[0]!
    await expect(table.getByRole('cell', { name: first.count!, exact: true }).count()).resolves.toBeGreaterThan(0)

    // with privacy noise: the dialog gives the budget, refuses past it, and spends what is asked
    await page.getByRole('button', { name: 'Download with privacy noise…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Download with privacy noise' })
    await dialog.getByText(/^Budget left for \d{4}: /).waitFor()
    await page.waitForTimeout(400)
    await checkedShots(page, 'reports-noisy-dialog')
    const epsilon = dialog.getByLabel('ε (epsilon)')
    await epsilon.fill('2.5')
    await dialog.getByText('Choose an ε from 0.05 to 2.00.').waitFor()
    await epsilon.fill('0.5')
    const [noisy] = await Promise.all([page.waitForEvent('download'), epsilon.press('Enter')])
    expect(noisy.suggestedFilename()).toMatch(/epsilon-0\.50\.csv$/)
    const noisyRows = await csvOf(noisy)
    expect(noisyRows.filter((r) => r.suppressed === 'true').length).toBe(hidden.length)
    for (const r of noisyRows.filter((r) => r.suppressed === 'true')) expect(r.count).toBe('')
    await page.getByText(/Privacy budget left this year: /).waitFor()
    const ledger = (await (await page.request.get(`${j.base}/api/reports/exports`)).json()) as {
      budget: { spent: number }
      exports: { report: string; epsilon: number | null }[]
    }
    expect(ledger.budget.spent).toBeCloseTo(0.5)
    expect(ledger.exports.map((e) => e.epsilon)).toEqual([0.5, null])
    await page.context().close()
  })

  it('reads in Chinese on the dark theme, and the sales page fits a phone', async () => {
    const page = await j.newPage()
    await page.setViewportSize(WIDE)
    await signIn(page, j.base, 'manager')
    // the console keeps the language and theme chosen in its store, as the toolbar's menus set them
    await page.evaluate(() => {
      localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
      localStorage.setItem('RaStore.theme', JSON.stringify('dark'))
    })
    await page.goto(`${j.base}/#/reports`)
    await page.reload()
    await page.getByRole('heading', { name: '按年龄段统计的客户' }).waitFor()
    await choose(page, '再按', '国家/地区')
    await page.getByRole('heading', { name: '按年龄段 × 国家/地区统计的客户' }).waitFor()
    const map = page.getByRole('region', { name: /^按年龄段 × 国家\/地区统计的客户热力图/ })
    await map.getByRole('columnheader', { name: '中国' }).waitFor()
    await map.getByRole('rowheader', { name: '25–34 岁' }).waitFor()
    await checkedShots(page, 'reports-demographics-zh-dark')

    await page.goto(`${j.base}/#/business-reports`)
    await page.getByRole('heading', { name: '订单与收入' }).waitFor()
    await page.locator('.recharts-bar-rectangle').first().waitFor()
    await checkedShots(page, 'reports-sales-zh-dark')
    // months along the axis, the largest countries as series
    await choose(page, '分组依据', '月份和国家/地区')
    await page.getByRole('columnheader', { name: '国家/地区' }).waitFor()
    await page.getByRole('listitem').filter({ hasText: '中国' }).first().waitFor()
    await checkedShots(page, 'reports-sales-month-country-zh-dark')
    await page.context().close()
  })
})
