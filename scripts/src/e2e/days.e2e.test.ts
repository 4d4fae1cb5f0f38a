/**
 * Issue 12: three whole working days, each done only through the console in Chromium: an agent's call, a compliance
 * officer's morning and a manager's review. After each step the database is read for what the step did; every screen
 * visited is judged by axe-core, and kept as a screenshot in .e2e/day-*.png.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, screenshot, seriousAccessibilityProblems, signIn, startJourney } from './harness.js'
import { answerQuestions, type Caller, callerOnFile, checkedShots, choose, csvOf, filedRequestId, NARROW, verify, WIDE } from './steps.js'

/** What reached the mail transport (bodies and all: the outbox keeps neither the link nor the code). */
const mail: { recipient: string; subject: string; body: string }[] = []
/** Addresses whose mailbox refuses mail: a message to one fails, as an SMTP rejection would. */
const bouncing = new Set<string>()

let j: Journey
/** The day's callers, with what each would answer: picked before anything is erased (erasing one shifts the offsets). */
let callers: Caller[]
beforeAll(async () => {
  // Enough customers that some report groups reach k = 10 and others stay hidden.
  j = await startJourney({
    customers: 600,
    transport: {
      name: 'capture',
      async send(m) {
        if (bouncing.has(m.recipient)) throw new Error(`550 5.1.1 <${m.recipient}>: mailbox unavailable`)
        mail.push(m)
        return 'sent'
      },
    },
  })
  callers = await Promise.all([0, 1, 2].map((offset) => callerOnFile(j.handle.db, offset)))
})
afterAll(() => j?.close())

const db = () => j.handle.db

/** The screen as it is, at 1440 px, with nothing serious for axe-core (which waits for a dialog to finish fading in). */
async function look(page: Page, name: string) {
  await page.waitForLoadState('networkidle')
  const problems = await seriousAccessibilityProblems(page)
  await screenshot(page, `day-${name}`)
  expect(problems, name).toEqual([])
}

/** Audit entries of these actions about a customer (or any), oldest first. */
const audited = (actions: string[], customerId?: number) => {
  let q = db().selectFrom('audit_log').select(['action', 'customer_id', 'entity_id']).where('action', 'in', actions)
  if (customerId !== undefined) q = q.where('customer_id', '=', customerId)
  return q.orderBy('id').execute()
}

/** A request's row in the request list, by its number (not by a customer's that starts with the same digits). */
const requestRow = (page: Page, id: number) =>
  page.getByRole('row').filter({ has: page.getByRole('cell', { name: `#${id}`, exact: true }) })

/** The default address of a customer, as the store has it. */
const defaultAddress = (customerId: number) =>
  db().selectFrom('addresses').selectAll().where('customer_id', '=', customerId).where('is_default', '=', 1).executeTakeFirstOrThrow()

describe('whole working days, in Chromium', () => {
  it('an agent’s call: finds the caller by name, verifies by keyboard, files an address correction, sends a reset link', async () => {
    const caller = callers[0]!
    const { customer } = caller
    const address = await defaultAddress(customer.id)
    const page = await j.newPage()
    await page.setViewportSize(WIDE)
    await signIn(page, j.base, 'agent')

    // The call starts on the dashboard, whose search has the focus: the caller gives their name.
    const search = page.getByRole('textbox', { name: 'Find the caller' })
    await search.waitFor()
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true)
    await look(page, 'agent-dashboard')
    const name = `${customer.first_name} ${customer.last_name}`
    await page.keyboard.type(name)
    await page.keyboard.press('Enter')
    const results = page.getByRole('list', { name: /match/ })
    await results.waitFor()
    // Names are shared: the agent moves down the list to the caller (by the city they give, here by the id) and takes them.
    const rows = await results.getByRole('button').allInnerTexts()
    const at = rows.findIndex((r) => r.includes(`#${customer.id}`))
    expect(at, rows.join(' | ')).toBeGreaterThanOrEqual(0)
    // the search shows no one's whole email
    expect(rows.join(' ')).not.toContain(customer.email!)
    await look(page, 'agent-name-search')
    for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.waitForURL(new RegExp(`#/verify/${customer.id}$`))
    await page.getByRole('button', { name: 'Start verification' }).waitFor()
    await look(page, 'agent-verify-start')
    await answerQuestions(page, caller)
    const verification = await db()
      .selectFrom('verifications')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(verification.status).toBe('verified')
    expect(await audited(['customer.read_unmasked'], customer.id)).not.toEqual([])
    await look(page, 'agent-record-verified')

    // The caller has moved: a correction of the default address, which compliance approves before it applies.
    const street = '17 Tianmushan Road, Flat 502'
    const city = address.city === 'Suzhou' ? 'Ningbo' : 'Suzhou'
    await page.getByRole('button', { name: 'Request…' }).click()
    await page.getByRole('menuitem', { name: 'Correct details' }).click()
    const form = page.getByRole('dialog')
    await form.getByLabel('Street address').waitFor()
    expect(await form.getByLabel('Street address').inputValue()).toBe(address.line1)
    await form.getByLabel('Street address').fill(street)
    await form.getByLabel('City').fill(city)
    await look(page, 'agent-correction-form')
    await form.getByRole('button', { name: 'File correction' }).click()
    const requestId = await filedRequestId(page)
    const filed = await db().selectFrom('data_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow()
    expect(filed).toMatchObject({ type: 'edit', status: 'pending', customer_id: customer.id, verification_id: verification.id })
    expect(JSON.parse(filed.changes!)).toEqual({ addresses: [{ id: address.id, line1: street, city }] })
    // nothing changes before the approval; the customer got a receipt
    expect((await defaultAddress(customer.id)).line1).toBe(address.line1)
    const receipt = await db()
      .selectFrom('outbox')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .where('template', '=', 'request_receipt')
      .executeTakeFirstOrThrow()
    expect(receipt.status).toBe('sent')
    await page.getByRole('link', { name: `Correction request #${requestId}` }).waitFor()

    // The caller cannot sign in: a reset link to the email on file (staff never see or set a password).
    await page.getByRole('button', { name: 'Send password reset link' }).click()
    await page
      .getByRole('dialog')
      .getByText(/Staff never see or set a password/)
      .waitFor()
    await look(page, 'agent-reset-confirm')
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.getByText(/^Reset link sent to /).waitFor()
    const sent = await db()
      .selectFrom('outbox')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .where('template', '=', 'password_reset')
      .executeTakeFirstOrThrow()
    expect(sent).toMatchObject({ status: 'sent', recipient: customer.email, channel: 'email' })
    // the message that went carries the link; the outbox keeps only that it went, and the token only as its hash
    const message = mail.filter((m) => m.recipient === customer.email && m.subject === 'Reset your password').at(-1)!
    const token = /[?&]token=([\w-]+)/.exec(message.body)![1]!
    expect(JSON.stringify(sent)).not.toContain(token)
    const stored = await db()
      .selectFrom('password_reset_tokens')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .executeTakeFirstOrThrow()
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'))
    expect((await audited(['customer.password_reset_sent'], customer.id)).map((a) => a.entity_id)).toEqual([String(sent.id)])

    // The call ends on the record: still unmasked for this caller, the correction waiting on it.
    await page.reload()
    await page.getByText(/Verified caller: visible until/).waitFor()
    await page.getByRole('link', { name: `Correction request #${requestId}` }).waitFor()
    await checkedShots(page, 'day-agent-record-end')
    await page.context().close()
  })

  it('a compliance officer’s morning: approves an erasure and a correction, logs and closes a warrant, clears the notice queue, checks the chain', async () => {
    // Yesterday an agent took two calls: one caller asked to be deleted, another corrected their street.
    const [, leaving, moving] = callers as [Caller, Caller, Caller]
    const agent = await j.newPage()
    await agent.setViewportSize(WIDE)
    await signIn(agent, j.base, 'agent')
    await verify(agent, j.base, leaving)
    await agent.getByRole('button', { name: 'Request…' }).click()
    await agent.getByRole('menuitem', { name: 'Delete account' }).click()
    await agent.getByRole('dialog').getByRole('button', { name: 'File request' }).click()
    const erasureId = await filedRequestId(agent)
    await verify(agent, j.base, moving)
    const address = await defaultAddress(moving.customer.id)
    const street = '3 Xixi Road, Unit 12'
    await agent.getByRole('button', { name: 'Request…' }).click()
    await agent.getByRole('menuitem', { name: 'Correct details' }).click()
    await agent.getByRole('dialog').getByLabel('Street address').fill(street)
    await agent.getByRole('dialog').getByRole('button', { name: 'File correction' }).click()
    const editId = await filedRequestId(agent)
    await agent.context().close()
    // the leaving customer's mailbox is already gone: the confirmation of the deletion will bounce
    bouncing.add(leaving.customer.email!)

    const page = await j.newPage()
    await page.setViewportSize(WIDE)
    await signIn(page, j.base, 'compliance')

    // The dashboard shows the pending work: the request counts add up to the open requests.
    const requestsCard = page.getByRole('region', { name: 'Request deadlines' })
    const counts = async () => {
      const names = await requestsCard.getByRole('link').allInnerTexts()
      return names.map((n) => Number(/^\s*(\d+)/.exec(n)?.[1] ?? NaN))
    }
    await requestsCard.getByRole('link', { name: /^\d+\s*Due later$/ }).waitFor()
    const pending = await db().selectFrom('data_requests').select('id').where('status', '=', 'pending').execute()
    await expect.poll(async () => (await counts()).reduce((a, b) => a + b, 0)).toBe(pending.length)
    await look(page, 'compliance-dashboard')

    // The erasure first, from the list of open requests.
    await page.getByRole('menu').getByText('Requests', { exact: true }).click()
    const erasureRow = requestRow(page, erasureId)
    await erasureRow.waitFor()
    await requestRow(page, editId).waitFor()
    await look(page, 'compliance-requests')
    await erasureRow.getByText(`#${erasureId}`, { exact: true }).click()
    await page.getByRole('heading', { level: 1, name: `Deletion request #${erasureId}` }).waitFor()
    await look(page, 'compliance-erasure')
    await page.getByRole('button', { name: 'Approve' }).click()
    await page.getByRole('dialog').getByText('This cannot be undone.').waitFor()
    await look(page, 'compliance-erasure-confirm')
    await page.getByRole('dialog').getByRole('button', { name: 'Approve and delete' }).click()
    await page.getByText(/^Erasure certificate/).waitFor()
    await page.getByText('Completed', { exact: true }).waitFor()
    const erased = await db().selectFrom('customers').selectAll().where('id', '=', leaving.customer.id).executeTakeFirstOrThrow()
    expect(erased).toMatchObject({ status: 'erased', email: null, phone: null, birth_date: null })
    expect(await db().selectFrom('data_requests').select('status').where('id', '=', erasureId).executeTakeFirstOrThrow()).toEqual({
      status: 'completed',
    })
    expect((await audited(['request.approve', 'customer.erase'], leaving.customer.id)).map((a) => a.action)).toEqual([
      'customer.erase',
      'request.approve',
    ])
    await look(page, 'compliance-erasure-done')

    // Then the correction: the dialog names what changes, and the address on file is the new one.
    await page.getByRole('menu').getByText('Requests', { exact: true }).click()
    const editRow = requestRow(page, editId)
    await editRow.waitFor()
    // the list is drawn from the cache first: the carried-out erasure leaves it once the list is fetched again
    await requestRow(page, erasureId).waitFor({ state: 'detached' })
    await editRow.getByText(`#${editId}`, { exact: true }).click()
    await page.getByRole('heading', { level: 1, name: `Correction request #${editId}` }).waitFor()
    await page.getByRole('cell', { name: street }).waitFor()
    await page.getByRole('button', { name: 'Approve' }).click()
    await page.getByRole('dialog').getByRole('row').filter({ hasText: 'Street address' }).filter({ hasText: street }).waitFor()
    await look(page, 'compliance-correction-confirm')
    await page.getByRole('dialog').getByRole('button', { name: 'Approve and apply' }).click()
    await page.getByText('Fields changed').waitFor()
    expect((await defaultAddress(moving.customer.id)).line1).toBe(street)
    expect((await defaultAddress(moving.customer.id)).id).toBe(address.id)
    expect(await db().selectFrom('data_requests').select('status').where('id', '=', editId).executeTakeFirstOrThrow()).toEqual({
      status: 'completed',
    })
    expect((await audited(['customer.edit'], moving.customer.id)).length).toBe(1)
    await look(page, 'compliance-correction-done')

    // A search warrant came in the post: logged for the customer it names, reviewed, and closed with what was produced.
    const { email: named } = await db()
      .selectFrom('customers')
      .select('email')
      .where('id', '=', moving.customer.id)
      .executeTakeFirstOrThrow()
    await page.getByRole('menu').getByText('Disclosures', { exact: true }).click()
    await page.getByRole('link', { name: 'Create' }).click()
    await choose(page, 'Request type', 'Search warrant')
    await page.getByLabel('Issuing authority').fill('Xihu District People’s Procuratorate')
    await page.getByLabel('Jurisdiction').fill('cn')
    await page.getByLabel('Legal basis').fill('Criminal Procedure Law, arts. 136–138')
    await page.getByLabel('Case or docket number').fill('Hang Xi Jian 2026-0917')
    await page.getByLabel('Received').fill(new Date().toISOString().slice(0, 10))
    const identifier = page.getByLabel('Identifier named in the legal process')
    await identifier.fill(named!)
    await identifier.press('Enter')
    await page.getByRole('button', { name: `Add #${moving.customer.id}`, exact: true }).click()
    await page.getByLabel('Contact').check()
    await page.getByLabel('Orders').check()
    await look(page, 'compliance-warrant-form')
    await page.getByRole('button', { name: 'Save' }).click()
    const logged = page.getByText(/^Disclosure #\d+ logged$/)
    await logged.waitFor()
    const disclosureId = Number(/#(\d+)/.exec(await logged.innerText())![1])
    await page.getByRole('heading', { level: 1, name: /^Search warrant · Hang Xi Jian 2026-0917/ }).waitFor()
    await page.getByRole('button', { name: 'Start review' }).click()
    await page.getByText('Under review', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Close with outcome' }).click()
    await page
      .getByRole('dialog')
      .getByText(/the outcome goes into the transparency report/)
      .waitFor()
    await look(page, 'compliance-warrant-close')
    await page.getByRole('dialog').getByRole('button', { name: 'Close with outcome' }).click()
    await page.getByText('Disclosed', { exact: true }).waitFor()
    const disclosure = await db().selectFrom('disclosures').selectAll().where('id', '=', disclosureId).executeTakeFirstOrThrow()
    expect(disclosure).toMatchObject({ type: 'search_warrant', status: 'disclosed', outcome: 'non_content', jurisdiction: 'CN' })
    expect(JSON.parse(disclosure.categories_produced!)).toEqual(['contact', 'orders'])
    expect(await db().selectFrom('disclosure_subjects').select('customer_id').where('disclosure_id', '=', disclosureId).execute()).toEqual([
      { customer_id: moving.customer.id },
    ])
    await look(page, 'compliance-warrant-closed')

    // The notice queue: the customer may now be told of the warrant; a message to the deleted customer did not go.
    await page.getByRole('menu').getByText('Dashboard', { exact: true }).click()
    const notices = page.getByRole('region', { name: 'Notices and reviews' })
    await notices.getByRole('link', { name: /^1\s*Customer notices due$/ }).waitFor()
    await notices.getByRole('link', { name: /^1\s*Messages that failed to send$/ }).waitFor()
    await look(page, 'compliance-dashboard-notices')
    await notices.getByRole('link', { name: /^1\s*Customer notices due$/ }).click()
    const noticeRow = page.getByRole('row').filter({ hasText: 'Hang Xi Jian 2026-0917' })
    await noticeRow.waitFor()
    await expect.poll(() => page.getByRole('row').count()).toBe(2) // the heading row and this one
    await look(page, 'compliance-notice-queue')
    await noticeRow.getByText('Hang Xi Jian 2026-0917').click()
    await page.getByText('The customer may now be told of this disclosure.', { exact: false }).waitFor()
    await page.getByRole('button', { name: 'Notice given' }).click()
    await page.getByText('The customer may now be told of this disclosure.', { exact: false }).waitFor({ state: 'detached' })
    const told = await db()
      .selectFrom('disclosures')
      .select(['customer_notified_at'])
      .where('id', '=', disclosureId)
      .executeTakeFirstOrThrow()
    expect(told.customer_notified_at).not.toBeNull()
    expect((await audited(['disclosure.notice_given'])).map((a) => a.entity_id)).toEqual([String(disclosureId)])

    await page.getByRole('menu').getByText('Dashboard', { exact: true }).click()
    await notices.getByRole('link', { name: /^0\s*Customer notices due$/ }).waitFor()
    await notices.getByRole('link', { name: /^1\s*Messages that failed to send$/ }).click()
    const failedRow = page.getByRole('row').filter({ hasText: 'Failed' })
    await failedRow.waitFor()
    expect(await failedRow.count()).toBe(1)
    await failedRow.getByText(/mailbox unavailable/).waitFor()
    // the recipient is masked, here as everywhere
    expect(await failedRow.innerText()).not.toContain(leaving.customer.email!)
    await look(page, 'compliance-outbox-failed')
    const failed = await db().selectFrom('outbox').selectAll().where('status', '=', 'failed').execute()
    expect(failed).toMatchObject([{ customer_id: leaving.customer.id, template: 'request_notice', attempts: 1 }])
    expect(failed[0]!.last_error).not.toContain(leaving.customer.email!)

    // Last, the audit desk: the chain of every entry this morning wrote holds.
    await page.getByRole('menu').getByText('Audit log', { exact: true }).click()
    const before = Number(
      (
        await db()
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
    await page.getByRole('button', { name: 'Check chain' }).click()
    const result = page.getByText(/Chain intact: [\d,]+ entries checked\./)
    await result.waitFor()
    const checked = Number(/Chain intact: ([\d,]+)/.exec(await result.innerText())![1]!.replace(/,/g, ''))
    // every entry written before the check: the morning's approvals, erasure, edit, disclosure and notice among them
    expect(checked).toBe(before)
    const check = await db().selectFrom('audit_log').selectAll().where('action', '=', 'audit.verify').executeTakeFirstOrThrow()
    expect(JSON.parse(check.details!)).toMatchObject({ ok: true, checked, first_broken: null })
    await checkedShots(page, 'day-compliance-audit-chain')
    await page.context().close()
  })

  it('a manager’s review: customers by age band and region, sales and buyers, a CSV of revenue by region, on a desktop and a phone', async () => {
    const page = await j.newPage()
    await page.setViewportSize(WIDE)
    await signIn(page, j.base, 'manager')
    await page.getByRole('heading', { name: 'Aggregate reports' }).waitFor()
    await look(page, 'manager-dashboard')

    // Customers by age band: a chart and the table, then crossed with region, where small groups are hidden and say so.
    await page.getByRole('link', { name: 'Reports' }).first().click()
    await page.getByRole('heading', { name: 'Customers by Age band' }).waitFor()
    await page.locator('.recharts-bar-rectangle').first().waitFor()
    const table = page.getByRole('region', { name: 'Exact figures' })
    await table.getByRole('rowheader').or(table.getByRole('cell')).first().waitFor()
    await checkedShots(page, 'day-manager-age-bands')
    await choose(page, 'Then by', 'Region')
    await page.getByRole('heading', { name: 'Customers by Age band × Region' }).waitFor()
    await page.getByRole('region', { name: /^Heat map of customers by Age band × Region/ }).waitFor()
    await expect.poll(() => table.getByRole('cell', { name: 'hidden (fewer than 10)' }).count()).toBeGreaterThan(0)
    await page.getByText(/^Hidden: fewer than 10 customers/).waitFor()
    await checkedShots(page, 'day-manager-age-regions')

    // Sales: revenue by region as a chart and a table, hidden cells marked; buyers new and returning by month.
    await page.getByRole('menu').getByText('Sales & operations', { exact: true }).click()
    const salesCard = page.locator('.MuiCard-root').filter({ has: page.getByRole('heading', { level: 2, name: 'Orders and revenue' }) })
    await salesCard.waitFor()
    await choose(page, 'Group by', 'Region')
    const sales = salesCard.getByRole('region', { name: 'Orders and revenue' })
    await sales.getByRole('columnheader', { name: 'Region' }).waitFor()
    await salesCard.locator('.recharts-bar-rectangle').first().waitFor()
    await page.getByRole('heading', { level: 2, name: 'New and returning buyers' }).waitFor()
    await checkedShots(page, 'day-manager-sales-by-region')

    // The CSV is the table on screen: its figures, its hidden rows without amounts; and the server keeps a record of it.
    const downloadCsv = salesCard.getByRole('button', { name: 'Download CSV' })
    const [download] = await Promise.all([page.waitForEvent('download'), downloadCsv.click()])
    expect(download.suggestedFilename()).toMatch(/^verity-commerce-region-.*\.csv$/)
    const rows = await csvOf(download)
    expect(Object.keys(rows[0]!)).toEqual(['country', 'region', 'currency', 'orders', 'revenue_cents', 'average_cents', 'suppressed'])
    const shown = rows.filter((r) => r.suppressed === 'false')
    const hidden = rows.filter((r) => r.suppressed === 'true')
    expect(shown.length).toBeGreaterThan(0)
    for (const r of hidden) expect([r.revenue_cents, r.average_cents]).toEqual(['', ''])
    for (const r of shown) expect(Number(r.revenue_cents)).toBeGreaterThan(0)
    const onScreen = (await sales.getByRole('row').allInnerTexts()).slice(1)
    expect(onScreen).toHaveLength(rows.length)
    expect(onScreen.filter((line) => /\bhidden\b/.test(line))).toHaveLength(hidden.length)
    const first = shown[0]!
    expect(onScreen.some((line) => line.includes(first.currency!) && line.includes(Number(first.orders).toLocaleString('en-US')))).toBe(
      true,
    )
    const exports = await db().selectFrom('report_exports').selectAll().execute()
    expect(exports).toMatchObject([{ report: 'commerce', epsilon_hundredths: null, rows: rows.length }])
    expect(JSON.parse(exports[0]!.params)).toMatchObject({ by: 'region' })

    // On a phone: the same page fits, and the CSV downloads from there too.
    await page.setViewportSize(NARROW)
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width)
    const [again] = await Promise.all([page.waitForEvent('download'), downloadCsv.click()])
    expect(fs.readFileSync((await again.path())!, 'utf8')).toBe(fs.readFileSync((await download.path())!, 'utf8'))
    await screenshot(page, 'day-manager-sales-phone-downloaded-390')
    expect(await db().selectFrom('report_exports').select('id').execute()).toHaveLength(2)
    await page.context().close()
  })
})
