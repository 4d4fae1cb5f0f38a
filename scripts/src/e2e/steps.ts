/**
 * Steps and checks more than one journey takes: a caller with their answers, finding and verifying them, the id a filed
 * request is given, screenshots at a desktop's width and a phone's, choosing from a select, and reading a downloaded CSV.
 */
import fs from 'node:fs'
import { parse } from 'csv-parse/sync'
import { QUESTION_LABELS } from '@verity/api'
import { callerAnswers, fullyOnFile } from '@verity/api/testing'
import type { DatabaseHandle } from '@verity/db'
import type { Download, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { screenshot, seriousAccessibilityProblems } from './harness.js'

export const WIDE = { width: 1440, height: 900 }
export const NARROW = { width: 390, height: 844 }

export type Caller = Awaited<ReturnType<typeof callerOnFile>>

/** A seeded customer with something on file for every question, and what a real caller would answer, by question label. */
export async function callerOnFile(db: DatabaseHandle['db'], offset: number) {
  const id = await fullyOnFile(db, offset)
  const customer = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const truth = await callerAnswers(db, id)
  const answers = Object.fromEntries(Object.entries(QUESTION_LABELS).map(([field, label]) => [label, truth[field]]))
  return { customer, answers }
}

/** The verify page's search, by what the caller gives (email, name, phone…). */
export async function searchFor(page: Page, base: string, text: string) {
  await page.goto(`${base}/#/verify`)
  const search = page.getByLabel('Find the caller')
  await search.fill(text)
  await search.press('Enter')
}

/** Waits until the element has the focus: the next key goes to it. */
async function focused(locator: Locator) {
  await locator.waitFor()
  await expect.poll(() => locator.evaluate((el) => el === document.activeElement)).toBe(true)
}

/**
 * With the caller found on the verify page, by keyboard alone, as an agent on a headset works: Enter picks the caller,
 * Enter starts the verification (the button has the focus), and each answer is typed into the field that has the focus
 * and sent with Enter. The agent lands on the unmasked record.
 */
export async function answerQuestions(page: Page, { customer, answers }: Caller) {
  if (!page.url().includes(`/verify/${customer.id}`)) await page.getByLabel('Find the caller').press('Enter')
  await focused(page.getByRole('button', { name: 'Start verification' }))
  await page.keyboard.press('Enter')
  for (let i = 0; i < 3; i++) {
    const field = page.getByLabel(/^The caller says:/)
    await focused(field)
    const label = await page.locator('label', { hasText: 'The caller says:' }).innerText()
    const question = label
      .replace(/^The caller says: /, '')
      .replace(/\s*\*$/, '')
      .trim()
    expect(answers[question], question).toBeTruthy()
    await page.keyboard.type(answers[question]!)
    await page.keyboard.press('Enter')
    await page.getByText('Match', { exact: true }).nth(i).waitFor()
  }
  await page.waitForURL(new RegExp(`#/customers/${customer.id}/show`))
  await page.getByText(/Verified caller: visible until/).waitFor()
}

/** The agent finds the caller by email and verifies them with the right answers, landing on the unmasked record. */
export async function verify(page: Page, base: string, caller: Caller) {
  await searchFor(page, base, caller.customer.email!)
  await page.getByText(`#${caller.customer.id}`).waitFor()
  await answerQuestions(page, caller)
}

/** The id in the "Request #N filed" notice. */
export async function filedRequestId(page: Page) {
  const notice = page.getByText(/^Request #\d+ filed\./)
  await notice.waitFor()
  return Number(/#(\d+)/.exec(await notice.innerText())![1])
}

/**
 * The page at a desktop width and at a phone's, where nothing may widen the page beyond the screen; axe-core finds
 * nothing serious at either.
 */
export async function checkedShots(page: Page, name: string) {
  await page.setViewportSize(WIDE)
  await page.waitForTimeout(300)
  await screenshot(page, `${name}-1440`)
  expect(await seriousAccessibilityProblems(page)).toEqual([])
  await page.setViewportSize(NARROW)
  await page.waitForTimeout(300)
  await screenshot(page, `${name}-390`)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width)
  expect(await seriousAccessibilityProblems(page)).toEqual([])
  await page.setViewportSize(WIDE)
  await page.waitForTimeout(300)
}

/** Picks an option of a select (MUI's: a combobox that opens a list of options). */
export async function choose(page: Page, select: string, option: string) {
  await page.getByRole('combobox', { name: select }).click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

/** A downloaded CSV's records by column name (RFC 4180; a byte-order mark dropped). */
export const csvOf = async (download: Download): Promise<Record<string, string>[]> =>
  parse(fs.readFileSync((await download.path())!, 'utf8'), { columns: true, bom: true })
