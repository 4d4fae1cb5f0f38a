import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Journey, screenshot, seriousAccessibilityProblems, signIn, startJourney } from './harness.js'

/** Issue #11: nobody knows another person's password. The admin creates an account; the link is emailed; the agent sets it. */
let j: Journey
const mail: { recipient: string; body: string }[] = []
beforeAll(async () => {
  j = await startJourney({ customers: 20, transport: { name: 'capture', send: async (m) => (mail.push(m), 'sent') } })
})
afterAll(() => j?.close())

const linkTo = (email: string) =>
  /(http\S+\/#\/set-password\?token=[\w-]+)/.exec(mail.filter((m) => m.recipient === email).at(-1)?.body ?? '')?.[1]

describe('staff passwords, in Chromium', () => {
  it('an admin creates an agent; the set-password link from the email is opened; the new agent signs in', async () => {
    const admin = await j.newPage()
    await signIn(admin, j.base, 'admin')
    await admin.goto(`${j.base}/#/staff/create`)
    await admin.getByText(/gets an email with a link to choose their own/).waitFor()
    expect(await admin.getByLabel(/password/i).count()).toBe(0)
    await admin.getByLabel(/^Name/).fill('Xu Lan')
    await admin.getByLabel(/^Email/).fill('xu.lan@example.com')
    await admin.getByLabel(/^Role/).click()
    await admin.getByRole('option', { name: 'Agent' }).click()
    await admin.getByRole('button', { name: 'Save' }).click()
    await admin.getByText('xu.lan@example.com').waitFor()

    // the outbox keeps that a link went, never the link
    const row = await j.handle.db.selectFrom('outbox').selectAll().where('template', '=', 'staff_password_link').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ recipient: 'xu.lan@example.com', status: 'sent', customer_id: null })
    const link = linkTo('xu.lan@example.com')!
    expect(link.startsWith(`${j.base}/#/set-password?token=`)).toBe(true)
    expect(JSON.stringify(row)).not.toContain(link.split('token=')[1])

    // the new agent, on a phone, nobody signed in
    const context = await j.browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } })
    const agent = await context.newPage()
    await agent.goto(link)
    await agent.getByRole('heading', { name: 'Choose your password' }).waitFor()
    expect(await seriousAccessibilityProblems(agent)).toEqual([])
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await screenshot(agent, 'set-password-390')
    await agent.getByLabel(/^New password/).fill('Xu-Lan-own-password-1')
    await agent.getByLabel(/^Repeat the password/).fill('Xu-Lan-own-password-1')
    await agent.keyboard.press('Enter')
    await agent.getByText('Your password is set. Sign in with it.').waitFor()
    await agent.getByRole('link', { name: 'Go to sign-in' }).click()
    await agent.getByLabel(/^(Email|Username)/).fill('xu.lan@example.com')
    await agent.getByLabel('Password', { exact: false }).first().fill('Xu-Lan-own-password-1')
    await agent.getByRole('button', { name: 'Sign in' }).click()
    await agent.getByText(/^Welcome, /).waitFor()

    // the link works once
    const again = await context.newPage()
    await again.goto(link)
    await again.getByLabel(/^New password/).fill('Someone-elses-password')
    await again.getByLabel(/^Repeat the password/).fill('Someone-elses-password')
    await again.getByRole('button', { name: 'Set my password' }).click()
    await again
      .getByRole('alert')
      .getByText(/This link is not valid any more/)
      .waitFor()

    // the admin resets it: the agent is signed out and the old password stops working
    const id = (
      await j.handle.db.selectFrom('staff_users').select('id').where('email', '=', 'xu.lan@example.com').executeTakeFirstOrThrow()
    ).id
    await admin.goto(`${j.base}/#/staff/${id}`)
    await admin.getByRole('button', { name: 'Send a set-password link' }).click()
    const dialog = admin.getByRole('dialog', { name: 'Reset the password of Xu Lan?' })
    await dialog.getByText(/current password stops working at once/).waitFor()
    await dialog.getByRole('button', { name: 'Reset and send the link' }).click()
    await admin.getByText(/^Link sent to x\*+@example\.com/).waitFor()
    expect(await agent.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401)
    const old = await agent.evaluate(
      async () =>
        (
          await fetch('/api/auth/login', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ email: 'xu.lan@example.com', password: 'Xu-Lan-own-password-1' }),
          })
        ).status,
    )
    expect(old).toBe(401)
    expect(linkTo('xu.lan@example.com')).not.toBe(link)
    await context.close()
    await admin.context().close()
  })
})
