import fs from 'node:fs'
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { generateHOTP } from '@oslojs/otp'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, PASSWORD, screenshot, seriousAccessibilityProblems, signOut, startJourney } from './harness.js'

/**
 * Issue #11: the second factor. Compliance and admins must use two-step sign-in; a dangerous act after the fresh window
 * asks for the code again. Codes are computed from the key the page shows, as an authenticator app would.
 */
const FRESH_MS = 15_000
let j: Journey
beforeAll(async () => {
  j = await startJourney({ customers: 20, mfa: { requiredRoles: ['compliance', 'admin'], freshMs: FRESH_MS } })
})
afterAll(() => j?.close())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * An authenticator app for one key. The server takes each 30-second step once and allows one step of drift either
 * way, so each code is that of the earliest step the server would still take: no waiting for the clock.
 */
function authenticator(key: string) {
  const secret = decodeBase32IgnorePadding(key.replace(/\s/g, ''))
  let last = -Infinity
  return async () => {
    for (;;) {
      const now = Math.floor(Date.now() / 30_000)
      const step = Math.max(last + 1, now - 1)
      if (step <= now + 1) {
        last = step
        return generateHOTP(secret, BigInt(step), 6)
      }
      await sleep(1_000)
    }
  }
}

async function givePassword(page: Page, email: string, button = 'Sign in') {
  await page.goto(`${j.base}/#/login`)
  await page.getByLabel(/^(Email|电子邮件)/).fill(email)
  await page
    .getByLabel(/^(Password|密码)/)
    .first()
    .fill(PASSWORD)
  await page.getByRole('button', { name: button, exact: true }).click()
}

/** The key the enrolment step shows, in groups of four. */
/** The ten recovery codes a list shows, once all ten are there (the list may render after its dialog or heading). */
async function recoveryCodes(list: Locator) {
  await list.getByRole('listitem').nth(9).waitFor()
  return list.getByRole('listitem').allTextContents()
}
const keyOn = async (page: Page) => (await page.getByText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/).textContent())!

async function wideEnough(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
}

describe('two-step sign-in, in Chromium', () => {
  it('a compliance officer sets it up at first sign-in, signs in again with a code, and gives it again to break the glass', async () => {
    const context = await j.browser.newContext({
      locale: 'en-US',
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      acceptDownloads: true,
    })
    const page = await context.newPage()
    await givePassword(page, 'compliance@example.com')
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor()
    await page.getByText(/^Your role must use two-step sign-in/).waitFor()
    await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor()
    const app = authenticator(await keyOn(page))
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-enrol-1440-en-light')

    await page.getByLabel(/^Code from your authenticator app/).fill(await app())
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor()
    const codes = await recoveryCodes(page.getByRole('list', { name: 'Recovery codes' }))
    expect(codes).toHaveLength(10)
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/)
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download as .txt' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('verity-recovery-codes.txt')
    expect(fs.readFileSync((await file.path())!, 'utf8')).toContain(codes.join('\n'))
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-recovery-codes-1440-en-light')
    const go = page.getByRole('button', { name: 'Continue to Verity' })
    expect(await go.isDisabled()).toBe(true)
    await page.getByRole('checkbox', { name: 'I have saved these codes' }).check()
    await go.click()
    await page.getByText(/^Welcome, /).waitFor()

    // the factor is on record
    const row = await j.handle.db
      .selectFrom('staff_factors as f')
      .innerJoin('staff_users as u', 'u.id', 'f.staff_id')
      .select(['f.kind'])
      .where('u.email', '=', 'compliance@example.com')
      .executeTakeFirstOrThrow()
    expect(row.kind).toBe('totp')

    await signOut(page)
    await givePassword(page, 'compliance@example.com')
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor()
    const field = page.getByLabel(/^Code from your authenticator app/)
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code')
    expect(await field.getAttribute('inputmode')).toBe('numeric')
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-code-1440-en-light')
    await page.keyboard.type('000000')
    await page.keyboard.press('Enter')
    await page.getByText(/^That code is not right/).waitFor()
    await page.keyboard.type(await app())
    await page.keyboard.press('Enter')
    await page.getByText(/^Welcome, /).waitFor()
    const signedInAt = Date.now()

    // one's profile says it is on, and required
    await page.goto(`${j.base}/#/sessions`)
    const twoStep = page.getByRole('region', { name: 'Two-step sign-in' })
    await twoStep.getByText('Your role must use two-step sign-in.').waitFor()
    expect(await twoStep.getByText('On', { exact: true }).count()).toBe(1)
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-profile-1440-en-light')
    // within the fresh window a new set of recovery codes needs no code again; the old ones stop working
    await twoStep.getByRole('button', { name: 'New recovery codes' }).click()
    await page.getByRole('button', { name: 'Make new codes' }).click()
    const renewed = page.getByRole('dialog', { name: 'Save your recovery codes' })
    const newCodes = await recoveryCodes(renewed)
    expect(newCodes).toHaveLength(10)
    expect(newCodes.filter((c) => codes.includes(c))).toEqual([])
    await renewed.getByRole('checkbox', { name: 'I have saved these codes' }).check()
    await renewed.getByRole('button', { name: 'Done' }).click()
    await renewed.waitFor({ state: 'detached' })

    // a dangerous act after the fresh window: the code again, then the act goes through
    const customer = await j.handle.db
      .selectFrom('customers')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    await page.goto(`${j.base}/#/customers/${customer.id}/show`)
    await page.getByRole('button', { name: 'Open with a reason' }).waitFor()
    await sleep(Math.max(0, signedInAt + FRESH_MS + 1_000 - Date.now()))
    await page.getByRole('button', { name: 'Open with a reason' }).click()
    await page.getByLabel(/^Reason/).fill('Court order 2026-114: the customer’s details are needed for the reply.')
    await page.getByRole('button', { name: 'Open record' }).click()
    const fresh = page.getByRole('dialog', { name: 'Enter your code again' })
    await fresh.getByText(/^This action needs your authenticator code again/).waitFor()
    expect(await fresh.getByLabel(/^Code from your authenticator app/).evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-fresh-proof-1440-en-light')
    await page.keyboard.type(await app())
    await page.keyboard.press('Enter')
    await page.getByText(/^Opened with a written reason: visible until/).waitFor()
    // the code dialog goes once the code is taken (it fades out: wait for it to leave, not for a moment)
    await fresh.waitFor({ state: 'detached', timeout: 5_000 })
    const acts = await j.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['auth.factor_passed', 'customer.break_glass'])
      .orderBy('id')
      .execute()
    expect(acts.map((a) => a.action)).toEqual(['auth.factor_passed', 'customer.break_glass'])
    await context.close()
  })

  it('an administrator on a phone, in Chinese and dark: sets it up, then signs in with a recovery code', async () => {
    const context = await j.browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, colorScheme: 'dark' })
    const page = await context.newPage()
    await page.goto(`${j.base}/#/login`)
    const english = await page.getByLabel(/^Email/).elementHandle()
    await page.getByRole('button', { name: '简体中文' }).click()
    // react-admin draws the page anew once the Chinese strings have loaded: wait for it, to type into the new fields
    await page.waitForFunction((field) => !field?.isConnected, english)
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans')
    await givePassword(page, 'admin@example.com', '登录')
    await page.getByRole('heading', { name: '设置两步登录' }).waitFor()
    await page.getByRole('img', { name: '用身份验证器应用扫描的二维码' }).waitFor()
    const app = authenticator(await keyOn(page))
    await wideEnough(page, 390)
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-enrol-390-zh-dark')

    await page.getByLabel(/^身份验证器应用中的验证码/).fill(await app())
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: '保存您的恢复码' }).waitFor()
    const codes = await recoveryCodes(page.getByRole('list', { name: '恢复码' }))
    expect(codes).toHaveLength(10)
    await wideEnough(page, 390)
    await screenshot(page, 'mfa-recovery-codes-390-zh-dark')
    await page.getByRole('checkbox', { name: '我已保存这些恢复码' }).check()
    await page.getByRole('button', { name: '进入 Verity' }).click()
    await page.getByText(/^欢迎/).waitFor()

    await context.clearCookies()
    await givePassword(page, 'admin@example.com', '登录')
    await page.getByRole('heading', { name: '两步登录' }).waitFor()
    await wideEnough(page, 390)
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await screenshot(page, 'mfa-code-390-zh-dark')
    await page.getByRole('button', { name: '改用恢复码' }).click()
    await page.getByLabel(/^恢复码/).fill(codes[0]!.toUpperCase())
    await page.keyboard.press('Enter')
    await page.getByText(/^欢迎/).waitFor()
    await page.getByText(/^已使用恢复码：还剩 9 个/).waitFor()

    // that code does not work twice
    await context.clearCookies()
    await givePassword(page, 'admin@example.com', '登录')
    await page.getByRole('button', { name: '改用恢复码' }).click()
    await page.getByLabel(/^恢复码/).fill(codes[0]!)
    await page.keyboard.press('Enter')
    await page.getByText('恢复码不正确，或已被使用。').waitFor()
    await context.close()
  })
})
