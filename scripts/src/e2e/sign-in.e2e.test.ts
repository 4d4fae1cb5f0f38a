import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, screenshot, signIn, signOut, startJourney } from './harness.js'

let j: Journey
beforeAll(async () => {
  j = await startJourney()
})
afterAll(() => j?.close())

const MENUS: Record<string, { shows: string[]; hides: string[] }> = {
  agent: { shows: ['Dashboard', 'Verify caller', 'Customers'], hides: ['Staff', 'Audit log', 'Settings', 'Reports', 'Flags', 'Outbox'] },
  compliance: {
    shows: ['Dashboard', 'Verify caller', 'Customers', 'Flags', 'Outbox', 'Audit log', 'Reports'],
    hides: ['Staff', 'Settings'],
  },
  manager: { shows: ['Dashboard', 'Reports'], hides: ['Staff', 'Audit log', 'Settings', 'Customers', 'Verify caller'] },
  admin: { shows: ['Dashboard', 'Staff', 'Audit log', 'Settings', 'Reports'], hides: ['Customers', 'Verify caller', 'Flags', 'Outbox'] },
}

describe('signing in, in Chromium', () => {
  for (const [role, menu] of Object.entries(MENUS)) {
    it(`${role}: sees the right menu, then signs out`, async () => {
      const page = await j.newPage()
      await signIn(page, j.base, role)
      const nav = page.getByRole('menu')
      for (const item of menu.shows) await nav.getByText(item, { exact: true }).waitFor()
      for (const item of menu.hides) expect(await nav.getByText(item, { exact: true }).count()).toBe(0)
      await screenshot(page, `dashboard-${role}`)
      await signOut(page)
      // signed out for real: the API no longer knows the session
      const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status)
      expect(me).toBe(401)
      await page.context().close()
    })
  }

  it('the console speaks Simplified Chinese, in light or dark', async () => {
    const page = await j.newPage()
    await signIn(page, j.base, 'compliance')
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('menuitem', { name: '简体中文' }).click()
    const nav = page.getByRole('menu')
    for (const item of ['概览', '核验来电者', '客户', '标记', '审计日志', '报表'])
      await nav.getByText(item, { exact: true }).first().waitFor()
    await page.getByText('当前身份：合规专员').waitFor()
    await page
      .getByRole('button', { name: /toggle|主题|切换/i })
      .first()
      .click()
    await screenshot(page, 'dashboard-compliance-zh-dark')
    await page.context().close()
  })

  it('a session ended on the server sends the browser back to sign-in', async () => {
    const page = await j.newPage()
    await signIn(page, j.base, 'admin')
    await j.handle.db.deleteFrom('staff_sessions').execute()
    await page.getByRole('menu').getByText('Staff', { exact: true }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await page.context().close()
  })
})
