import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, inParallel, tally, TEST_PASSWORD } from '../../testing.js'
import { deviceOf } from './user-agent.js'

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0'
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
const EDGE_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({ config: { now: () => clock } })
})
afterEach(() => t.close())
const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000))

/** Signs in from a browser of this user agent; answers the cookie to send back. */
async function signInFrom(who: string, userAgent: string) {
  const res = await t.request('POST', '/api/auth/login', {
    body: { email: `${who}@example.com`, password: TEST_PASSWORD },
    headers: { 'User-Agent': userAgent },
  })
  expect(res.status).toBe(200)
  return res.headers.get('set-cookie')!.split(';')[0]!
}
const idOf = async (cookie: string) => (await t.request('GET', '/api/auth/me', { cookie })).json.id as number

describe('device summaries', () => {
  it('name the browser and system of common user agents', () => {
    expect(deviceOf(FIREFOX_WINDOWS)).toEqual({ browser: 'Firefox', os: 'Windows' })
    expect(deviceOf(SAFARI_IPHONE)).toEqual({ browser: 'Safari', os: 'iOS' })
    expect(deviceOf(EDGE_MAC)).toEqual({ browser: 'Edge', os: 'macOS' })
    expect(deviceOf(null)).toEqual({ browser: null, os: null })
    expect(deviceOf('something odd')).toEqual({ browser: null, os: null })
  })
})

describe('my sessions', () => {
  it('lists only my live sessions, marks this one, and never shows a token or its hash', async () => {
    const laptop = await signInFrom('agent', FIREFOX_WINDOWS)
    later(5)
    const phone = await signInFrom('agent', SAFARI_IPHONE)
    await signInFrom('compliance', EDGE_MAC)
    const res = await t.request('GET', '/api/auth/sessions', { cookie: phone })
    expect(res.status).toBe(200)
    expect(res.json).toHaveLength(2)
    const [first, second] = res.json
    expect(first).toMatchObject({ browser: 'Safari', os: 'iOS', current: true, createdAt: '2026-11-27T09:05:00.000Z' })
    expect(second).toMatchObject({ browser: 'Firefox', os: 'Windows', current: false, lastSeenAt: '2026-11-27T09:00:00.000Z' })
    expect(Object.keys(first).sort()).toEqual(['browser', 'createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'os', 'stage'])
    const stored = await t.db.selectFrom('staff_sessions').select('id').execute()
    for (const secret of [laptop.split('=')[1]!, phone.split('=')[1]!, ...stored.map((s) => s.id)]) {
      expect(res.text).not.toContain(secret)
    }
    // a session idle too long is not listed
    later(31)
    const fresh = await signInFrom('agent', EDGE_MAC)
    expect((await t.request('GET', '/api/auth/sessions', { cookie: fresh })).json.map((s: any) => s.browser)).toEqual(['Edge'])
  })

  it('records last seen at most once a minute, when the idle clock is refreshed', async () => {
    const laptop = await signInFrom('agent', FIREFOX_WINDOWS)
    later(0.5)
    expect((await t.request('GET', '/api/auth/sessions', { cookie: laptop })).json[0].lastSeenAt).toBe('2026-11-27T09:00:00.000Z')
    later(1)
    expect((await t.request('GET', '/api/auth/sessions', { cookie: laptop })).json[0].lastSeenAt).toBe('2026-11-27T09:01:30.000Z')
  })

  it('ends another of my sessions, which gets 401 next, and audits it', async () => {
    const laptop = await signInFrom('agent', FIREFOX_WINDOWS)
    const phone = await signInFrom('agent', SAFARI_IPHONE)
    const other = (await t.request('GET', '/api/auth/sessions', { cookie: phone })).json.find((s: any) => !s.current)
    const res = await t.request('DELETE', `/api/auth/sessions/${other.id}`, { cookie: phone })
    expect(res.status).toBe(204)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect((await t.request('GET', '/api/auth/me', { cookie: laptop })).status).toBe(401)
    expect((await t.request('GET', '/api/auth/me', { cookie: phone })).status).toBe(200)
    const entries = await t.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'details'])
      .where('action', '=', 'auth.session_ended')
      .execute()
    expect(entries).toHaveLength(1)
    expect(entries[0]!.entity_id).toBe(String(await idOf(phone)))
  })

  it('ending this session signs out: the cookie is cleared and the token no longer works', async () => {
    const laptop = await signInFrom('agent', FIREFOX_WINDOWS)
    const [me] = (await t.request('GET', '/api/auth/sessions', { cookie: laptop })).json
    const res = await t.request('DELETE', `/api/auth/sessions/${me.id}`, { cookie: laptop })
    expect(res.status).toBe(204)
    expect(res.headers.get('set-cookie')).toMatch(/^verity_session=;/)
    expect((await t.request('GET', '/api/auth/sessions', { cookie: laptop })).status).toBe(401)
  })

  it('cannot end someone else’s session: 404 for a handle that is not mine, 403 on the admin route', async () => {
    const mine = await signInFrom('agent', FIREFOX_WINDOWS)
    const theirs = await signInFrom('compliance', EDGE_MAC)
    const [target] = (await t.request('GET', '/api/auth/sessions', { cookie: theirs })).json
    expect((await t.request('DELETE', `/api/auth/sessions/${target.id}`, { cookie: mine })).status).toBe(404)
    const owner = await idOf(theirs)
    expect((await t.request('GET', `/api/staff/${owner}/sessions`, { cookie: mine })).status).toBe(403)
    expect((await t.request('DELETE', `/api/staff/${owner}/sessions/${target.id}`, { cookie: mine })).status).toBe(403)
    expect((await t.request('GET', '/api/auth/me', { cookie: theirs })).status).toBe(200)
    expect((await t.request('DELETE', '/api/auth/sessions/not-a-handle', { cookie: mine })).status).toBe(400)
  })

  it('a password change ends every other session and keeps this browser signed in on a new token', async () => {
    const laptop = await signInFrom('agent', FIREFOX_WINDOWS)
    const phone = await signInFrom('agent', SAFARI_IPHONE)
    const res = await t.request('POST', '/api/auth/password', {
      cookie: phone,
      headers: { 'User-Agent': SAFARI_IPHONE },
      body: { currentPassword: TEST_PASSWORD, newPassword: 'Another-long-password-42' },
    })
    expect(res.status).toBe(204)
    const renewed = res.headers.get('set-cookie')!.split(';')[0]!
    expect((await t.request('GET', '/api/auth/me', { cookie: laptop })).status).toBe(401)
    expect((await t.request('GET', '/api/auth/me', { cookie: phone })).status).toBe(401)
    const left = (await t.request('GET', '/api/auth/sessions', { cookie: renewed })).json
    expect(left).toHaveLength(1)
    expect(left[0]).toMatchObject({ current: true, browser: 'Safari' })
  })
})

describe('an admin', () => {
  it('sees and ends anyone’s sessions; the owner gets 401 next, and it is audited', async () => {
    const admin = await signInFrom('admin', EDGE_MAC)
    const agent = await signInFrom('agent', FIREFOX_WINDOWS)
    const agentId = await idOf(agent)
    const list = await t.request('GET', `/api/staff/${agentId}/sessions`, { cookie: admin })
    expect(list.status).toBe(200)
    expect(list.json).toHaveLength(1)
    expect(list.json[0]).toMatchObject({ browser: 'Firefox', current: false })
    const res = await t.request('DELETE', `/api/staff/${agentId}/sessions/${list.json[0].id}`, { cookie: admin })
    expect(res.status).toBe(204)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect((await t.request('GET', '/api/auth/me', { cookie: agent })).status).toBe(401)
    expect((await t.request('GET', '/api/auth/me', { cookie: admin })).status).toBe(200)
    const entries = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'entity_id'])
      .where('action', '=', 'staff.session_ended')
      .execute()
    expect(entries).toEqual([{ actor_id: await idOf(admin), entity_id: String(agentId) }])
    expect((await t.request('GET', '/api/staff/9999/sessions', { cookie: admin })).status).toBe(404)
    // a handle of one account does not end a session of another through the admin route
    const again = await signInFrom('agent', FIREFOX_WINDOWS)
    const [handle] = (await t.request('GET', '/api/auth/sessions', { cookie: again })).json
    expect((await t.request('DELETE', `/api/staff/${await idOf(admin)}/sessions/${handle.id}`, { cookie: admin })).status).toBe(404)
  })

  it('parallel ends of one session settle once: one 204, the rest 404, one audit entry', async () => {
    const admin = await signInFrom('admin', EDGE_MAC)
    const agent = await signInFrom('agent', FIREFOX_WINDOWS)
    const agentId = await idOf(agent)
    const [target] = (await t.request('GET', `/api/auth/sessions`, { cookie: agent })).json
    const server = await t.listen()
    const { statuses } = await inParallel(8, (i) =>
      i % 2
        ? server.request('DELETE', `/api/staff/${agentId}/sessions/${target.id}`, { cookie: admin })
        : server.request('DELETE', `/api/auth/sessions/${target.id}`, { cookie: agent }),
    )
    const counts = tally(statuses)
    expect(counts[204]).toBe(1)
    expect((counts[404] ?? 0) + (counts[401] ?? 0)).toBe(7)
    const entries = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['auth.session_ended', 'staff.session_ended'])
      .execute()
    expect(entries).toHaveLength(1)
  })
})
