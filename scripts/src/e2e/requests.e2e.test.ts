import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { type Journey, screenshot, signIn, startJourney } from './harness.js'
import { type Caller, callerOnFile, filedRequestId, NARROW, searchFor, verify, WIDE } from './steps.js'

let j: Journey
let callers: Caller[]

beforeAll(async () => {
  j = await startJourney()
  // Picked before anything is erased: erasing one would shift the offsets.
  callers = [await callerOnFile(j.handle.db, 0), await callerOnFile(j.handle.db, 1)]
})
afterAll(() => j?.close())

/** The page as it is, at a desktop width and at a phone's. */
async function shots(page: Page, name: string) {
  await page.setViewportSize(WIDE)
  await page.waitForTimeout(300)
  await screenshot(page, `${name}-1440`)
  await page.setViewportSize(NARROW)
  await page.waitForTimeout(300)
  await screenshot(page, `${name}-390`)
  await page.setViewportSize(WIDE)
  await page.waitForTimeout(300)
}

/** A compliance officer, who did not file the request, opens it from the request list (or the dashboard's count). */
async function openAsCompliance(requestId: number, { via = 'menu', shot }: { via?: 'menu' | 'overdue'; shot?: string } = {}) {
  const page = await j.newPage()
  await page.setViewportSize(WIDE)
  await signIn(page, j.base, 'compliance')
  if (via === 'overdue') {
    const overdue = page.getByRole('link', { name: /^1\s*Overdue$/ })
    await overdue.waitFor()
    if (shot) await shots(page, `${shot}-dashboard`)
    await overdue.click()
  } else {
    await page.getByRole('menu').getByText('Requests', { exact: true }).click()
  }
  const row = page.getByRole('row').filter({ hasText: `#${requestId}` })
  await row.waitFor()
  if (shot) await shots(page, `${shot}-list`)
  await row.getByText(`#${requestId}`, { exact: true }).click()
  await page.getByRole('heading', { level: 1, name: new RegExp(`#${requestId}$`) }).waitFor()
  return page
}

describe('requests, in Chromium', () => {
  it('an agent verifies a caller and files an erasure; compliance approves it; the search no longer finds the customer', async () => {
    const { customer } = callers[0]!
    const agent = await j.newPage()
    await agent.setViewportSize(WIDE)
    await signIn(agent, j.base, 'agent')
    await verify(agent, j.base, callers[0]!)

    await agent.getByRole('button', { name: 'Request…' }).click()
    await agent.getByRole('menuitem', { name: 'Delete account' }).waitFor()
    await shots(agent, 'request-menu')
    await agent.getByRole('menuitem', { name: 'Delete account' }).click()
    await agent
      .getByRole('dialog')
      .getByText(/Nothing is deleted yet/)
      .waitFor()
    await agent.getByRole('dialog').getByRole('button', { name: 'File request' }).click()
    const id = await filedRequestId(agent)
    await agent.getByRole('link', { name: `Deletion request #${id}` }).waitFor()
    await shots(agent, 'request-filed-on-record')

    // the agent sees it, and may only withdraw it
    await agent.getByRole('link', { name: `Deletion request #${id}` }).click()
    await agent.getByRole('heading', { level: 1, name: `Deletion request #${id}` }).waitFor()
    await agent.getByRole('button', { name: 'Withdraw' }).waitFor()
    expect(await agent.getByRole('button', { name: 'Approve' }).count()).toBe(0)

    const compliance = await openAsCompliance(id, { shot: 'request' })
    await shots(compliance, 'request-erasure-pending')
    await compliance.getByRole('button', { name: 'Approve' }).click()
    const dialog = compliance.getByRole('dialog')
    await dialog.getByText('This cannot be undone.').waitFor()
    await shots(compliance, 'request-erasure-confirm')
    await dialog.getByRole('button', { name: 'Approve and delete' }).click()
    await compliance.getByText(/^Erasure certificate/).waitFor()
    await compliance.getByText('Completed', { exact: true }).waitFor()
    await compliance.getByRole('cell', { name: 'Approved and carried out' }).waitFor()
    await shots(compliance, 'request-erasure-completed')

    // the same page in Simplified Chinese, in the dark theme
    await compliance.getByRole('button', { name: 'English' }).click()
    await compliance.getByRole('menuitem', { name: '简体中文' }).click()
    await compliance.getByRole('heading', { level: 1, name: `删除请求 #${id}` }).waitFor()
    await compliance
      .getByRole('button', { name: /toggle|主题|切换/i })
      .first()
      .click()
    await shots(compliance, 'request-erasure-completed-zh-dark')
    await compliance.context().close()

    const row = await j.handle.db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow()
    expect(row.status).toBe('erased')
    expect(row.email).toBeNull()

    await searchFor(agent, j.base, customer.email!)
    await agent.getByText('No customer matches. Check the spelling, or ask for another detail.').waitFor()
    await screenshot(agent, 'request-erased-search')
    await agent.context().close()
  })

  it('an agent files an edit of the default address; compliance approves it; the record shows the new address', async () => {
    const { customer } = callers[1]!
    const address = await j.handle.db
      .selectFrom('addresses')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .where('is_default', '=', 1)
      .executeTakeFirstOrThrow()
    const street = '88 Wensan Road, Building 3'
    expect(address.line1).not.toBe(street)

    const agent = await j.newPage()
    await agent.setViewportSize(WIDE)
    await signIn(agent, j.base, 'agent')
    await verify(agent, j.base, callers[1]!)
    await agent.getByRole('button', { name: 'Request…' }).click()
    await agent.getByRole('menuitem', { name: 'Correct details' }).click()
    const form = agent.getByRole('dialog')
    const line1 = form.getByLabel('Street address')
    await line1.waitFor()
    expect(await line1.inputValue()).toBe(address.line1)
    await line1.fill(street)
    await shots(agent, 'request-correction-form')
    await form.getByRole('button', { name: 'File correction' }).click()
    const id = await filedRequestId(agent)

    // what was filed names only the changed field
    const filed = await j.handle.db.selectFrom('data_requests').select('changes').where('id', '=', id).executeTakeFirstOrThrow()
    expect(JSON.parse(filed.changes!)).toEqual({ addresses: [{ id: address.id, line1: street }] })

    // past its deadline, it leads the dashboard's overdue count and the list, in red
    await j.handle.db
      .updateTable('data_requests')
      .set({ due_at: new Date(Date.now() - 1.5 * 86_400_000).toISOString() })
      .where('id', '=', id)
      .execute()
    const compliance = await openAsCompliance(id, { via: 'overdue', shot: 'request-overdue' })
    await compliance.getByText('This request is past its deadline', { exact: false }).waitFor()
    await compliance.getByRole('cell', { name: street }).waitFor()
    await compliance.getByRole('button', { name: 'Approve' }).click()
    const dialog = compliance.getByRole('dialog')
    await dialog
      .getByRole('row')
      .filter({ hasText: `Address #${address.id} · Street address` })
      .filter({ hasText: street })
      .waitFor()
    await shots(compliance, 'request-edit-confirm')
    await dialog.getByRole('button', { name: 'Approve and apply' }).click()
    await compliance.getByText('Fields changed').waitFor()
    await compliance.getByText('Street address', { exact: true }).waitFor()
    await shots(compliance, 'request-edit-completed')
    await compliance.context().close()

    // the agent's pass still holds: the record shows the corrected address, and no open request
    await agent.reload()
    await agent.getByRole('cell', { name: new RegExp(street) }).waitFor()
    expect(await agent.getByRole('link', { name: `Correction request #${id}` }).count()).toBe(0)
    await shots(agent, 'request-edit-on-record')
    await agent.context().close()
  })
})
