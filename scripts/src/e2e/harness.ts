import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { serve } from '@hono/node-server'
import { createApp, loadEnv, prepareDatabase } from '@verity/api'
import type { DatabaseHandle } from '@verity/db'
import { chromium, type Browser, type Page } from 'playwright-core'

import { ensureConsoleBuilt, ROOT } from '../build-console.js'

export const SCREENSHOTS = path.join(ROOT, '.e2e')
export const PASSWORD = 'Journey-password-2026'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface Journey {
  base: string
  handle: DatabaseHandle
  browser: Browser
  newPage(): Promise<Page>
  close(): Promise<void>
}

/**
 * Verity on a scratch SQLite database with the built console, and headless Chromium to drive it. `transport` replaces
 * the recording one, for a journey that must read a message's link (the outbox never stores it). `mfa` is the second
 * factor's configuration; journeys about other things sign in with the password alone unless they pass one.
 */
export async function startJourney({
  customers = 300,
  transport,
  mfa = { requiredRoles: [], freshMs: 5 * 60_000 },
}: {
  customers?: number
  transport?: Parameters<typeof createApp>[1]['transport']
  mfa?: Parameters<typeof createApp>[1]['mfa']
} = {}): Promise<Journey> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`)
  ensureConsoleBuilt()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-e2e-'))
  const env = loadEnv({ DATABASE_URL: path.join(dir, 'verity.sqlite'), SEED_STAFF_PASSWORD: PASSWORD, SEED_CUSTOMERS: String(customers) })
  // A scratch database gets a scratch audit key.
  const auditKey = randomBytes(32)
  const handle = await prepareDatabase(env, auditKey, () => undefined)
  const { app } = createApp(handle.db, { uiDir: path.join(ROOT, 'admin-ui/dist'), auditKey, mfa, ...(transport ? { transport } : {}) })
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  const base = `http://localhost:${(server.address() as AddressInfo).port}`
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  return {
    base,
    handle,
    browser,
    async newPage() {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })
      return context.newPage()
    },
    async close() {
      await browser.close()
      server.close()
      await handle.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function signIn(page: Page, base: string, role: string) {
  await page.goto(`${base}/#/login`)
  await page.getByLabel(/^(Email|Username)/).fill(`${role}@example.com`)
  await page.getByLabel('Password', { exact: false }).first().fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByText(/^Welcome, /).waitFor()
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Profile' }).click()
  await page.getByRole('menuitem', { name: 'Logout' }).click()
  await page.getByRole('button', { name: 'Sign in' }).waitFor()
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * The page's accessibility problems that axe-core rates serious or critical (WCAG 2.1 A and AA rules), as
 * "rule: the first offending element" lines: a journey expects none.
 */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, which the console's Content-Security-Policy (no inline scripts) allows.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE};void 0`)
  // A dialog still fading in has text of low contrast for a moment: judge the page once its transitions have ended.
  // (finite ones only, and two seconds at most: a spinner turns for ever)
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]),
  )
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>
        }
      }
    ).axe
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')} (${v.nodes.length} in all)`)
  })
}
