import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, screenshot, signIn, startJourney } from './harness.js'
import { callerOnFile } from './steps.js'

let j: Journey
beforeAll(async () => {
  j = await startJourney()
})
afterAll(() => j?.close())

const caller = (offset: number) => callerOnFile(j.handle.db, offset)

describe('verifying a caller, in Chromium', () => {
  it('an agent verifies a caller with the right answers, by keyboard, and lands on the unmasked record', async () => {
    const { customer, answers } = await caller(0)
    const page = await j.newPage()
    await signIn(page, j.base, 'agent')
    await page.getByRole('menu').getByText('Verify caller').click()
    // the dashboard has a caller search of its own: type into the verify page's, once it is there
    await page.waitForURL(/#\/verify$/)
    await page.getByText(/^Welcome, /).waitFor({ state: 'detached' })
    const search = page.getByLabel('Find the caller')
    await search.fill(customer.email!)
    await search.press('Enter')
    await page.getByText(`#${customer.id}`).waitFor()
    // results are masked: the email shows only its first letter and domain
    expect(await page.getByText(customer.email!).count()).toBe(0)
    await search.press('Enter')
    await page.getByRole('button', { name: 'Start verification' }).press('Enter')
    for (let i = 0; i < 3; i++) {
      const field = page.getByLabel(/^The caller says:/)
      await field.waitFor()
      const label = (await field.getAttribute('aria-label')) ?? (await page.locator('label', { hasText: 'The caller says:' }).innerText())
      const question = label
        .replace(/^The caller says: /, '')
        .replace(/\s*\*$/, '')
        .trim()
      expect(answers[question], question).toBeTruthy()
      await field.fill(answers[question]!)
      if (i === 1) await screenshot(page, 'verify-screen')
      await field.press('Enter')
      await page.getByText('Match', { exact: true }).nth(i).waitFor()
    }
    await page.waitForURL(new RegExp(`#/customers/${customer.id}/show`))
    await page.getByText(customer.email!, { exact: true }).waitFor()
    await page.getByText(/Verified caller: visible until/).waitFor()
    await screenshot(page, 'customer-record-verified')
    await page.getByRole('button', { name: 'Send password reset link' }).click()
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.getByText(/Reset link sent to/).waitFor()
    await page.context().close()
  })

  it('a wrong answer fails the verification and the record stays masked', async () => {
    const { customer } = await caller(1)
    const page = await j.newPage()
    await signIn(page, j.base, 'agent')
    await page.goto(`${j.base}/#/verify/${customer.id}`)
    await page.getByRole('button', { name: 'Start verification' }).click()
    const field = page.getByLabel(/^The caller says:/)
    await field.fill('no idea at all')
    await field.press('Enter')
    await page.getByText('No match', { exact: true }).waitFor()
    await page.getByText(/Verification failed/).waitFor()
    await screenshot(page, 'verify-failed')
    await page.goto(`${j.base}/#/customers/${customer.id}/show`)
    await page.getByText('Masked: verify the caller to see details').waitFor()
    expect(await page.getByText(customer.email!, { exact: true }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Send password reset link' }).isDisabled()).toBe(true)
    await screenshot(page, 'customer-record-masked')
    await page.context().close()
  })
})
