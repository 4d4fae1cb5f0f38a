/**
 * Every route of the console, as every role that may open it, on a phone (390×844) in English on the light theme and
 * in Chinese on the dark one, and on a desktop: nothing wider than the screen, nothing axe-core rates serious or
 * critical, and a screenshot of each kept in .e2e/console-*.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, PASSWORD, screenshot, seriousAccessibilityProblems, signIn, startJourney } from './harness.js'

let j: Journey
const ids = { customer: 0, disclosure: 0, staff: 0 }

beforeAll(async () => {
  j = await startJourney({ customers: 300 })
  const db = j.handle.db
  ids.customer = (await db.selectFrom('customers').select('id').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow()).id
  ids.staff = (await db.selectFrom('staff_users').select('id').where('role', '=', 'agent').executeTakeFirstOrThrow()).id
  // A subpoena on record, logged as compliance does through the API.
  const login = await fetch(`${j.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: j.base },
    body: JSON.stringify({ email: 'compliance@example.com', password: PASSWORD }),
  })
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const res = await fetch(`${j.base}/api/disclosures`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: j.base, Cookie: cookie },
    body: JSON.stringify({
      type: 'subpoena',
      authority: 'Superior Court of Alameda County',
      jurisdiction: 'US',
      legalBasis: 'Cal. Code Civ. Proc. § 1985',
      caseNumber: 'RG-2026-0142',
      receivedAt: '2026-11-20',
      subjectIds: [ids.customer],
      categoriesRequested: ['identity', 'orders'],
    }),
  })
  expect(res.status, await res.clone().text()).toBe(201)
  ids.disclosure = ((await res.json()) as { id: number }).id
}, 240_000)
afterAll(() => j?.close())

/** The routes each role opens in a working day. */
const ROUTES: Record<string, (() => string)[]> = {
  agent: [() => '/', () => '/customers', () => `/customers/${ids.customer}/show`, () => `/verify/${ids.customer}`, () => '/requests'],
  compliance: [
    () => '/',
    () => '/customers',
    () => '/requests',
    () => '/disclosures',
    () => '/disclosures/create',
    () => `/disclosures/${ids.disclosure}/show`,
    () => `/accounting/${ids.customer}`,
    () => '/transparency',
    () => '/flags',
    () => '/outbox',
    () => '/audit-log',
    () => '/reports',
    () => '/business-reports',
  ],
  manager: [() => '/', () => '/reports', () => '/business-reports'],
  admin: [
    () => '/',
    () => '/staff',
    () => '/staff/create',
    () => `/staff/${ids.staff}`,
    () => '/settings',
    () => '/settings/k_anonymity',
    () => '/audit-log',
  ],
}

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1440, height: 900 }

/** Waits until the console has drawn the route: no progress bar left, the network quiet. */
async function settled(page: Page) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => !document.querySelector('[role="progressbar"]'), null, { timeout: 10_000 }).catch(() => undefined)
  await page.waitForTimeout(250)
}

async function setLook(page: Page, locale: 'en' | 'zh', theme: 'light' | 'dark') {
  await page.evaluate(
    ([l, t]) => {
      localStorage.setItem('RaStore.locale', JSON.stringify(l))
      localStorage.setItem('RaStore.theme', JSON.stringify(t))
    },
    [locale, theme],
  )
}

const slug = (route: string) => route.replace(/^\//, '').replace(/\//g, '-') || 'dashboard'

describe('the whole console, in Chromium', () => {
  it('the sign-in page fits a phone and has nothing serious for axe-core', async () => {
    const page = await j.newPage()
    await page.setViewportSize(PHONE)
    await page.goto(`${j.base}/#/login`)
    await settled(page)
    await screenshot(page, 'console-login-390')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
    expect(await seriousAccessibilityProblems(page)).toEqual([])
    await page.context().close()
  })

  for (const [role, routes] of Object.entries(ROUTES)) {
    it(`every route ${role}s open fits 390 px in both languages and themes, with nothing serious for axe-core`, async () => {
      const page = await j.newPage()
      await signIn(page, j.base, role)
      const problems: string[] = []
      for (const [locale, theme, viewport] of [
        ['en', 'light', PHONE],
        ['zh', 'dark', PHONE],
        ['en', 'dark', DESKTOP],
      ] as const) {
        await setLook(page, locale, theme)
        await page.setViewportSize(viewport)
        for (const route of routes.map((r) => r())) {
          await page.goto(`${j.base}/#${route}`)
          await page.reload()
          await settled(page)
          const name = `console-${role}-${slug(route)}-${locale}-${theme}-${viewport.width}`
          await screenshot(page, name)
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          if (width > viewport.width) problems.push(`${name}: ${width} px wide`)
          for (const p of await seriousAccessibilityProblems(page)) problems.push(`${name}: ${p}`)
        }
      }
      await setLook(page, 'en', 'light')
      expect(problems).toEqual([])
      await page.context().close()
    }, 300_000)
  }
})

describe('a working day, in Chromium', () => {
  it('each role meets only what it can do, and what cannot be undone asks first', async () => {
    // A manager who types a customer address is told the page is not theirs; no search is offered.
    const manager = await j.newPage()
    await signIn(manager, j.base, 'manager')
    await manager.goto(`${j.base}/#/customers`)
    await manager.getByRole('heading', { name: 'This page is not available to your role' }).waitFor()
    expect(await manager.getByRole('combobox', { name: 'Find the caller' }).count()).toBe(0)
    await screenshot(manager, 'day-manager-not-for-role')
    await manager.context().close()

    // An agent's call starts on the dashboard: the caller search has the focus; typing the caller's email and Enter finds them.
    const agent = await j.newPage()
    await signIn(agent, j.base, 'agent')
    const { email } = await j.handle.db.selectFrom('customers').select('email').where('id', '=', ids.customer).executeTakeFirstOrThrow()
    await agent.getByRole('textbox', { name: 'Find the caller' }).waitFor()
    expect(await agent.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Find the caller')
    await agent.keyboard.type(email!)
    await agent.keyboard.press('Enter')
    await agent.getByRole('list', { name: 'One match' }).waitFor()
    await screenshot(agent, 'day-agent-dashboard-search')
    await agent.context().close()

    // An admin changing a colleague's role is told what it means first, and Escape changes nothing.
    const admin = await j.newPage()
    await signIn(admin, j.base, 'admin')
    await admin.goto(`${j.base}/#/staff/${ids.staff}`)
    await admin.getByRole('combobox', { name: /Role/ }).click()
    await admin.getByRole('option', { name: /Manager/ }).click()
    await admin.getByRole('button', { name: 'Save' }).click()
    const dialog = admin.getByRole('dialog')
    await dialog.getByText(/becomes a manager: they will no longer see customers’ records/).waitFor()
    await screenshot(admin, 'day-admin-role-change-dialog')
    await admin.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    const { role } = await j.handle.db.selectFrom('staff_users').select('role').where('id', '=', ids.staff).executeTakeFirstOrThrow()
    expect(role).toBe('agent')

    // The audit desk keeps the chain check's result on the page, with when and by whom, after a reload too.
    await admin.goto(`${j.base}/#/audit-log`)
    await admin.getByRole('button', { name: 'Check chain' }).click()
    await admin.getByText(/Chain intact: \d+ entries checked\./).waitFor()
    await admin.reload()
    await admin.getByText(/Checked .* by Wang Fang\./).waitFor()
    await screenshot(admin, 'day-admin-audit-chain-kept')
    await admin.context().close()
  }, 180_000)
})
