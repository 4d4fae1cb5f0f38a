import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, inParallel, ORIGIN, tally, TEST_PASSWORD, type TestResponse } from '../../testing.js'
import { THROTTLE } from './login-throttle.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({ config: { now: () => clock } })
})
afterEach(() => t.close())
const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000))
const laterSeconds = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000))
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
    // in-process requests have no address: only the account's own counter applies
    for (let i = 0; i < THROTTLE.perAccount; i++) expect((await signIn('agent@example.com', 'guess-' + i)).status).toBe(401)
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

/** The app behind a real HTTP server; with `trustProxy` each request may say which address it comes from. */
async function server({ trustProxy = false } = {}) {
  const app = trustProxy ? await createTestApp({ config: { now: () => clock, trustProxy: true } }) : t
  if (app !== t) extra.push(app)
  const http = await app.listen()
  const signInFrom = (ip: string | null, email: string, password: string) =>
    http.request('POST', '/api/auth/login', { body: { email, password }, headers: ip ? { 'X-Forwarded-For': ip } : {} })
  const count = async (action: string) => (await app.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length
  return {
    ...http,
    db: app.db,
    signInFrom,
    passwordChecks: async () => (await count('auth.login_failed')) + (await count('auth.password_change_failed')),
  }
}
const extra: Awaited<ReturnType<typeof createTestApp>>[] = []
afterEach(async () => {
  for (const app of extra.splice(0)) await app.close()
})
const retryAfter = (res: TestResponse) => Number(res.headers.get('retry-after'))

describe('sign-in throttle, over a real HTTP server', () => {
  it('checks at most the limit of 30 wrong passwords sent at once for one account; the rest are refused unchecked', async () => {
    const s = await server()
    const { statuses } = await inParallel(30, (i) => s.signInFrom(null, 'agent@example.com', 'guess-' + i))
    expect(tally(statuses)).toEqual({ 401: THROTTLE.perAccountAddress, 429: 30 - THROTTLE.perAccountAddress })
    expect(await s.passwordChecks()).toBe(THROTTLE.perAccountAddress)
  })

  it('checks at most the account limit when the 30 guesses come from 30 addresses at once', async () => {
    const s = await server({ trustProxy: true })
    const { statuses } = await inParallel(30, (i) => s.signInFrom(`203.0.113.${i + 1}`, 'agent@example.com', 'guess-' + i))
    expect(tally(statuses)).toEqual({ 401: THROTTLE.perAccount, 429: 30 - THROTTLE.perAccount })
    expect(await s.passwordChecks()).toBe(THROTTLE.perAccount)
  })

  it('does not sign in with the right password sent in the same burst once the limit is reached', async () => {
    const s = await server()
    // 40 at once: 30 guesses, and from the 11th on every third is the right password
    const right = (i: number) => i >= 2 * THROTTLE.perAccountAddress && i % 3 === 1
    const { responses } = await inParallel(40, (i) => s.signInFrom(null, 'agent@example.com', right(i) ? TEST_PASSWORD : 'guess-' + i))
    expect(tally(responses.filter((_, i) => right(i)).map((r) => r.status))).toEqual({ 429: 10 })
    expect(tally(responses.filter((_, i) => !right(i)).map((r) => r.status))).toEqual({
      401: THROTTLE.perAccountAddress,
      429: 30 - THROTTLE.perAccountAddress,
    })
    expect(await s.db.selectFrom('staff_sessions').select('id').execute()).toHaveLength(0)
  })

  it('only spaces out attempts from an address: a colleague behind it still signs in after 60 failures there', async () => {
    const s = await server()
    const spacing = THROTTLE.addressSpacingMs / 1000
    let failures = 0
    for (let i = 0; failures < 60; i++) {
      const res = await s.signInFrom(null, `colleague-${i % 20}@example.com`, 'guess-' + i)
      if (res.status === 429) {
        expect(retryAfter(res)).toBeLessThanOrEqual(spacing)
        laterSeconds(retryAfter(res))
      } else {
        expect(res.status).toBe(401)
        failures++
      }
    }
    // the guesser is held to one attempt per spacing...
    const spaced = await s.signInFrom(null, 'agent@example.com', TEST_PASSWORD)
    expect(spaced.status).toBe(429)
    expect(retryAfter(spaced)).toBeLessThanOrEqual(spacing)
    // ...and so is the colleague, who is in once it has passed
    laterSeconds(retryAfter(spaced))
    expect((await s.signInFrom(null, 'agent@example.com', TEST_PASSWORD)).status).toBe(200)
  })

  it('locks an account for the address that failed, not for the same account from another address', async () => {
    const s = await server({ trustProxy: true })
    for (let i = 0; i < THROTTLE.perAccountAddress; i++) {
      expect((await s.signInFrom('198.51.100.1', 'agent@example.com', 'guess-' + i)).status).toBe(401)
    }
    const locked = await s.signInFrom('198.51.100.1', 'agent@example.com', TEST_PASSWORD)
    expect(locked.status).toBe(429)
    expect(retryAfter(locked)).toBe(THROTTLE.lockMs / 1000)
    expect((await s.signInFrom('198.51.100.2', 'agent@example.com', TEST_PASSWORD)).status).toBe(200)
  })

  it('locks an account everywhere after the account limit, until the lock has run its time', async () => {
    const s = await server({ trustProxy: true })
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      expect((await s.signInFrom(`198.51.100.${i + 1}`, 'agent@example.com', 'guess-' + i)).status).toBe(401)
    }
    const locked = await s.signInFrom('192.0.2.1', 'agent@example.com', TEST_PASSWORD)
    expect(locked.status).toBe(429)
    expect(locked.json.error.code).toBe('too_many_attempts')
    expect(retryAfter(locked)).toBe(THROTTLE.lockMs / 1000)
    laterSeconds(THROTTLE.lockMs / 1000 - 1)
    expect((await s.signInFrom('192.0.2.1', 'agent@example.com', TEST_PASSWORD)).status).toBe(429)
    laterSeconds(1)
    expect((await s.signInFrom('192.0.2.1', 'agent@example.com', TEST_PASSWORD)).status).toBe(200)
  })

  it("clears the account's counters when a sign-in succeeds", async () => {
    const s = await server({ trustProxy: true })
    const guesses = async (from: number) => {
      for (let i = 0; i < THROTTLE.perAccount - 1; i++) {
        expect((await s.signInFrom(`198.51.100.${from + i}`, 'agent@example.com', 'guess')).status).toBe(401)
      }
    }
    await guesses(1)
    expect((await s.signInFrom('198.51.100.1', 'agent@example.com', TEST_PASSWORD)).status).toBe(200)
    // as many failures again would have locked the account, had the first ones still counted
    await guesses(101)
    expect((await s.signInFrom('198.51.100.1', 'agent@example.com', TEST_PASSWORD)).status).toBe(200)
  })

  it("counts wrong current passwords in a password change toward the account's limit, charged before the check", async () => {
    const s = await server()
    const cookie = await s.login('agent')
    const { statuses } = await inParallel(30, (i) =>
      s.request('POST', '/api/auth/password', { cookie, body: { currentPassword: 'guess-' + i, newPassword: 'A-new-password-2026' } }),
    )
    expect(tally(statuses)).toEqual({ 400: THROTTLE.perAccountAddress, 429: 30 - THROTTLE.perAccountAddress })
    expect(await s.passwordChecks()).toBe(THROTTLE.perAccountAddress)
    // the right one is refused too while the lock lasts, and so is signing in from this address
    const right = await s.request('POST', '/api/auth/password', {
      cookie,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'A-new-password-2026' },
    })
    expect(right.status).toBe(429)
    expect((await s.signInFrom(null, 'agent@example.com', TEST_PASSWORD)).status).toBe(429)
  })

  it('takes the address a trusted proxy appended, not one the client put first in X-Forwarded-For', async () => {
    const s = await server({ trustProxy: true })
    expect((await s.signInFrom('10.9.8.7, 198.51.100.8', 'manager@example.com', TEST_PASSWORD)).status).toBe(200)
    expect((await s.db.selectFrom('staff_sessions').select('ip').executeTakeFirstOrThrow()).ip).toBe('198.51.100.8')
    // so a guesser cannot escape the limits of its address by naming a new one each time
    for (let i = 0; i < THROTTLE.perAccountAddress; i++) {
      expect((await s.signInFrom(`10.9.8.${i}, 198.51.100.7`, 'agent@example.com', 'guess-' + i)).status).toBe(401)
    }
    expect((await s.signInFrom('10.9.8.99, 198.51.100.7', 'agent@example.com', TEST_PASSWORD)).status).toBe(429)
  })
})

describe('the session cookie', () => {
  const signInOverHttp = (s: Awaited<ReturnType<typeof server>>) =>
    s.request('POST', '/api/auth/login', {
      body: { email: 'agent@example.com', password: TEST_PASSWORD },
      headers: { 'X-Forwarded-Proto': 'https' },
    })

  it('is not marked Secure on plain HTTP because a client says X-Forwarded-Proto: https, without TRUST_PROXY', async () => {
    const res = await signInOverHttp(await server())
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toMatch(/^verity_session=/)
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/i)
  })

  it('is marked Secure when a trusted proxy says the request came over HTTPS', async () => {
    const res = await signInOverHttp(await server({ trustProxy: true }))
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/)
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
