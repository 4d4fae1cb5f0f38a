import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OutgoingMessage } from '../outbox/outbox.transport.js'
import { createTestApp, inParallel, tally, TEST_PASSWORD } from '../../testing.js'
import { SET_PASSWORD_ATTEMPTS } from './set-password.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: string
let sent: OutgoingMessage[]
let clock: Date
beforeEach(async () => {
  sent = []
  clock = new Date()
  t = await createTestApp({
    config: { now: () => clock, transport: { name: 'capture', send: async (m) => (sent.push(m), 'recorded') } },
  })
  admin = await t.login('admin')
})
afterEach(() => t.close())

const tokenOf = (m: OutgoingMessage | undefined) => /\/#\/set-password\?token=([\w-]+)/.exec(m?.body ?? '')?.[1] ?? ''
const invite = async (email = 'xu.lan@example.com') => {
  const res = await t.request('POST', '/api/staff', { cookie: admin, body: { email, name: 'Xu Lan', role: 'agent' } })
  expect(res.status).toBe(201)
  return { id: res.json.id as number, token: tokenOf(sent.at(-1)) }
}
const redeem = (token: string, password = 'Her-own-password-1') =>
  t.request('POST', '/api/auth/set-password', { body: { token, password } })

describe('set-password links', () => {
  it('are emailed to the new staff member as a link to the console, and kept only hashed', async () => {
    const { id, token } = await invite()
    expect(sent.at(-1)).toMatchObject({ channel: 'email', recipient: 'xu.lan@example.com' })
    expect(sent.at(-1)!.body).toContain(`http://localhost/#/set-password?token=${token}`)
    const [link] = await t.db.selectFrom('staff_password_links').selectAll().where('staff_id', '=', id).execute()
    expect(link).toMatchObject({ purpose: 'invite', requested_by: 4, used_at: null })
    expect(link!.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(Date.parse(link!.expires_at) - clock.getTime()).toBe(24 * 3_600_000)
    const outbox = await t.db.selectFrom('outbox').selectAll().where('template', '=', 'staff_password_link').execute()
    expect(outbox).toHaveLength(1)
    expect(JSON.stringify(outbox)).not.toContain(token)
    // no password yet: nobody can sign in as the account
    expect((await t.db.selectFrom('staff_credentials').select('staff_id').where('staff_id', '=', id).execute()).length).toBe(0)
  })

  it('work once: the password set is the one that signs in', async () => {
    const { token } = await invite()
    expect((await redeem(token)).status).toBe(204)
    const again = await redeem(token, 'Someone-elses-password')
    expect(again.status).toBe(400)
    expect(again.json.error.reason).toBe('password_link_invalid')
    expect(
      (await t.request('POST', '/api/auth/login', { body: { email: 'xu.lan@example.com', password: 'Her-own-password-1' } })).status,
    ).toBe(200)
  })

  it('hold the password to the same rule as any new password, keeping the link for a second try', async () => {
    const { token } = await invite()
    const short = await redeem(token, 'short')
    expect(short.status).toBe(400)
    expect(short.json.error.fields.password).toBeTruthy()
    expect((await redeem(token)).status).toBe(204)
  })

  it('refuse an unknown token, an expired link and one ended by a newer link alike', async () => {
    const unknown = await redeem('x'.repeat(43))
    const { id, token: first } = await invite()
    await t.request('POST', `/api/staff/${id}/password`, { cookie: admin, body: {} })
    const second = tokenOf(sent.at(-1))
    const ended = await redeem(first)
    clock = new Date(clock.getTime() + 24 * 3_600_000 + 1000)
    const expired = await redeem(second)
    for (const res of [unknown, ended, expired]) {
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({ reason: 'password_link_invalid' })
      expect(res.text).toBe(unknown.text)
    }
  })

  it('ended by a reset stays ended for a redemption that began a moment before it, or on a server whose clock is behind', async () => {
    const { id, token } = await invite()
    const resetAt = clock
    expect((await t.request('POST', `/api/staff/${id}/password`, { cookie: admin, body: {} })).status).toBe(200)
    // The redemption's request started three seconds before the reset committed (or its server's clock runs behind).
    clock = new Date(resetAt.getTime() - 3_000)
    const late = await redeem(token, 'Attacker-password-2026')
    expect(late.status).toBe(400)
    expect(late.json.error.reason).toBe('password_link_invalid')
  })

  it('used 30 times at once set one password', async () => {
    const { token } = await invite()
    const http = await t.listen()
    const { statuses } = await inParallel(30, (i) =>
      http.request('POST', '/api/auth/set-password', { body: { token, password: `Racing-password-${i}` } }),
    )
    expect(tally(statuses)).toEqual({ 204: 1, 400: 29 })
    const sets = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'staff.password_set').execute()
    expect(sets).toHaveLength(1)
  })

  it('end the sessions of the account whose password they set', async () => {
    const agent = await t.login('agent')
    // a link the agent holds while signed in (as after an invite): using it signs them out everywhere
    const token = 'held-by-the-agent-'.padEnd(43, 'x')
    await t.db
      .insertInto('staff_password_links')
      .values({
        staff_id: 1,
        token_hash: createHash('sha256').update(token).digest('hex'),
        purpose: 'invite',
        requested_by: 4,
        created_at: clock.toISOString(),
        expires_at: new Date(clock.getTime() + 60_000).toISOString(),
        used_at: null,
      })
      .execute()
    expect((await redeem(token)).status).toBe(204)
    expect((await t.request('GET', '/api/auth/me', { cookie: agent })).status).toBe(401)
    expect((await t.request('POST', '/api/auth/login', { body: { email: 'agent@example.com', password: TEST_PASSWORD } })).status).toBe(401)
    expect(
      (await t.request('POST', '/api/auth/login', { body: { email: 'agent@example.com', password: 'Her-own-password-1' } })).status,
    ).toBe(200)
  })

  it('are tried only so often from one address', async () => {
    const http = await t.listen()
    const statuses: number[] = []
    for (let i = 0; i <= SET_PASSWORD_ATTEMPTS.perAddress; i++) {
      statuses.push(
        (await http.request('POST', '/api/auth/set-password', { body: { token: `guess-${i}`, password: 'Any-long-password' } })).status,
      )
    }
    expect(tally(statuses)).toEqual({ 400: SET_PASSWORD_ATTEMPTS.perAddress, 429: 1 })
  })
})
