import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, ORIGIN, TEST_PASSWORD } from '../../testing.js'
import { THROTTLE } from './login-throttle.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({ config: { now: () => clock } })
})
afterEach(() => t.close())
const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000))
const signIn = (email: string, password: string) => t.request('POST', '/api/auth/login', { body: { email, password } })

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite session cookie holding a token the database only knows hashed', async () => {
    const res = await signIn('Agent@Example.com', TEST_PASSWORD)
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ id: 1, email: 'agent@example.com', name: 'Li Na', role: 'agent' })
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/^verity_session=[a-z2-7]{32};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    const token = cookie.split(';')[0]!.split('=')[1]!
    const stored = await t.db.selectFrom('staff_sessions').select('id').execute()
    expect(stored).toHaveLength(1)
    expect(stored[0]!.id).toMatch(/^[0-9a-f]{64}$/)
    expect(stored[0]!.id).not.toContain(token)
    const me = await t.request('GET', '/api/auth/me', { cookie: cookie.split(';')[0] })
    expect(me.json.role).toBe('agent')
  })

  it('answers a wrong password and an unknown email alike, with 401 and no hint', async () => {
    const wrong = await signIn('agent@example.com', 'not-the-password')
    const unknown = await signIn('nobody@example.com', 'not-the-password')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.json).toEqual(unknown.json)
    expect(wrong.json.error.code).toBe('invalid_credentials')
    expect(wrong.headers.get('set-cookie')).toBeNull()
  })

  it('throttles repeated failures with 429 and Retry-After, even for the right password, until the lock ends', async () => {
    for (let i = 0; i < THROTTLE.perEmail; i++) expect((await signIn('agent@example.com', 'guess-' + i)).status).toBe(401)
    const locked = await signIn('agent@example.com', TEST_PASSWORD)
    expect(locked.status).toBe(429)
    expect(locked.json.error.code).toBe('too_many_attempts')
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    // another account is not locked by these failures
    expect((await signIn('manager@example.com', TEST_PASSWORD)).status).toBe(200)
    later(THROTTLE.lockMs / 60_000 + 1)
    expect((await signIn('agent@example.com', TEST_PASSWORD)).status).toBe(200)
  })

  it('records sign-ins and failures in the audit log without the password', async () => {
    await signIn('agent@example.com', 'wrong-password-xyz')
    await signIn('agent@example.com', TEST_PASSWORD)
    const rows = await t.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'auth.%').execute()
    expect(rows.map((r) => r.action)).toEqual(['auth.login_failed', 'auth.login'])
    const all = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute())
    expect(all).not.toContain('wrong-password-xyz')
    expect(all).not.toContain(TEST_PASSWORD)
    expect(all).not.toContain('$argon2')
  })

  it('refuses a disabled account', async () => {
    await t.db.updateTable('staff_users').set({ status: 'disabled' }).where('email', '=', 'agent@example.com').execute()
    expect((await signIn('agent@example.com', TEST_PASSWORD)).status).toBe(401)
  })
})

describe('sessions', () => {
  it('idle out after the inactivity timeout, and are extended while used', async () => {
    const cookie = await t.login('agent')
    later(25)
    expect((await t.request('GET', '/api/auth/me', { cookie })).status).toBe(200)
    later(25) // 50 minutes since sign-in, 25 since last use
    expect((await t.request('GET', '/api/auth/me', { cookie })).status).toBe(200)
    later(31)
    const idle = await t.request('GET', '/api/auth/me', { cookie })
    expect(idle.status).toBe(401)
    expect(idle.headers.get('set-cookie')).toMatch(/verity_session=;/)
  })

  it('expire at the absolute limit however busy', async () => {
    const cookie = await t.login('agent')
    for (let i = 0; i < 12 * 3; i++) {
      later(20)
      if (i < 35) expect((await t.request('GET', '/api/auth/me', { cookie })).status).toBe(200)
    }
    expect((await t.request('GET', '/api/auth/me', { cookie })).status).toBe(401)
  })

  it('end at logout', async () => {
    const cookie = await t.login('agent')
    expect((await t.request('POST', '/api/auth/logout', { cookie })).status).toBe(204)
    expect((await t.request('GET', '/api/auth/me', { cookie })).status).toBe(401)
  })

  it('all end when the password changes, except the new one for this browser', async () => {
    const other = await t.login('agent')
    const here = await t.login('agent')
    const bad = await t.request('POST', '/api/auth/password', {
      cookie: here,
      body: { currentPassword: 'nope', newPassword: 'A-new-password-2026' },
    })
    expect(bad.status).toBe(400)
    expect(bad.json.error.fields.currentPassword).toBeTruthy()
    const short = await t.request('POST', '/api/auth/password', {
      cookie: here,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    })
    expect(short.json.error.fields.newPassword).toMatch(/12/)
    const res = await t.request('POST', '/api/auth/password', {
      cookie: here,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'A-new-password-2026' },
    })
    expect(res.status).toBe(204)
    const fresh = res.headers.get('set-cookie')!.split(';')[0]!
    expect((await t.request('GET', '/api/auth/me', { cookie: other })).status).toBe(401)
    expect((await t.request('GET', '/api/auth/me', { cookie: here })).status).toBe(401)
    expect((await t.request('GET', '/api/auth/me', { cookie: fresh })).status).toBe(200)
    expect((await signIn('agent@example.com', 'A-new-password-2026')).status).toBe(200)
  })
})

describe('CSRF and CORS', () => {
  it('refuses writes without an Origin or from another origin', async () => {
    const cookie = await t.login('admin')
    const none = await t.request('POST', '/api/staff', { cookie, origin: null, body: {} })
    expect(none.status).toBe(403)
    expect(none.json.error.code).toBe('origin_rejected')
    const evil = await t.request('POST', '/api/auth/logout', { cookie, origin: 'https://evil.example' })
    expect(evil.status).toBe(403)
    expect((await t.request('GET', '/api/auth/me', { cookie })).status).toBe(200)
  })

  it('allows configured origins, with CORS headers for them only', async () => {
    const t2 = await createTestApp({ config: { allowedOrigins: ['https://console.example'] } })
    const pre = await t2.app.request(`${ORIGIN}/api/staff`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://console.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://console.example')
    expect(pre.headers.get('access-control-expose-headers')).toContain('Content-Range')
    const other = await t2.app.request(`${ORIGIN}/api/staff`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    const login = await t2.request('POST', '/api/auth/login', {
      origin: 'https://console.example',
      body: { email: 'admin@example.com', password: TEST_PASSWORD },
    })
    expect(login.status).toBe(200)
    await t2.close()
  })

  it('sends security headers and never lets API answers be cached', async () => {
    const res = await t.request('GET', '/api/auth/me')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })
})
