import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, screenshot, signIn, startJourney } from './harness.js'

let j: Journey
beforeAll(async () => {
  j = await startJourney()
})
afterAll(() => j?.close())

describe('a subpoena, in Chromium', () => {
  it('a compliance officer logs it for two customers, discloses, closes, is refused an edit, amends, and downloads the transparency CSV', async () => {
    const page = await j.newPage()
    await signIn(page, j.base, 'compliance')
    await page.getByRole('menu').getByText('Disclosures', { exact: true }).click()
    await page.getByRole('link', { name: 'Create' }).click()

    await page.getByLabel('Issuing authority').fill('Hangzhou Intermediate People’s Court')
    await page.getByLabel('Jurisdiction').fill('cn')
    await page.getByLabel('Legal basis').fill('Civil Procedure Law, art. 67')
    await page.getByLabel('Case or docket number').fill('(2026) Zhe 01 Min Chu 2041')
    await page.getByLabel('Received').fill('2026-11-20')
    // subjects are added by the identifiers the subpoena names, each matched exactly on the server
    const identifier = page.getByLabel('Identifier named in the legal process')
    for (const id of [1, 2]) {
      const { email } = await j.handle.db.selectFrom('customers').select('email').where('id', '=', id).executeTakeFirstOrThrow()
      await identifier.fill(email!)
      await identifier.press('Enter')
      await page
        .getByText(new RegExp(`^#${id} .* · matched by email`))
        .first()
        .waitFor()
      await page.getByRole('button', { name: `Add #${id}`, exact: true }).click()
    }
    await page.getByLabel('Identity').check()
    await page.getByLabel('Orders').check()
    await page.getByRole('button', { name: 'Save' }).click()

    await page.getByText(/^Disclosure #\d+ logged$/).waitFor()
    await page.getByRole('heading', { level: 1, name: /Subpoena · \(2026\) Zhe 01 Min Chu 2041/ }).waitFor()
    await page.getByRole('link', { name: /^#1 .* · matched by email/ }).waitFor()
    await page.getByRole('link', { name: /^#2 .* · matched by email/ }).waitFor()
    await page.getByRole('button', { name: 'Start review' }).click()
    await page.getByText('Under review', { exact: true }).waitFor()

    // the court's scan, named in Chinese, comes back under its own name
    const scan = Buffer.from('%PDF-1.7 传票扫描件\n')
    await page.locator('input[type="file"]').setInputFiles({ name: '传票.pdf', mimeType: 'application/pdf', buffer: scan })
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '传票.pdf' }).click()])
    expect(saved.suggestedFilename()).toBe('传票.pdf')
    expect(fs.readFileSync((await saved.path())!)).toEqual(scan)

    await page.getByRole('button', { name: 'Close with outcome' }).click()
    await page
      .getByRole('dialog')
      .getByText(/the outcome goes into the transparency report/)
      .waitFor()
    await page.getByRole('dialog').getByRole('button', { name: 'Close with outcome' }).click()
    await page.getByText('Disclosed', { exact: true }).waitFor()
    await screenshot(page, 'disclosure-closed')

    // a closed record offers no edit (the server would answer 409), even at its edit address
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0)
    const record = page.url()
    await page.goto(record.replace(/\/show$/, ''))
    await page.getByText(/This record is closed and can no longer be edited/).waitFor()
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0)
    await page.goto(record)

    await page.getByRole('button', { name: 'Add amendment' }).click()
    await page.getByLabel('Corrected value').fill('(2026) Zhe 01 Min Chu 2014')
    await page.getByLabel('Reason for the correction').fill('Docket digits were transposed when logged')
    await page.getByRole('dialog').getByRole('button', { name: 'Add amendment' }).click()
    await page.getByRole('cell', { name: 'Docket digits were transposed when logged' }).waitFor()
    await page.getByRole('heading', { level: 1, name: /Min Chu 2014/ }).waitFor()
    await screenshot(page, 'disclosure-amended')

    await page.getByRole('menu').getByText('Transparency', { exact: true }).click()
    await page.getByRole('columnheader', { name: 'Half-year' }).waitFor()
    await screenshot(page, 'transparency-report')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()])
    const csv = fs.readFileSync((await download.path())!, 'utf8')
    expect(csv.split('\r\n')[0]).toBe('period,type,jurisdiction,outcome,requests,accounts_specified,share_with_data_produced_percent')
    expect(csv).toContain('2026-H2,subpoena,CN,non_content,0–9,0–9,')
    await page.context().close()
  })
})
