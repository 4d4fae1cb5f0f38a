import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, inParallel, listUrl, tally, TEST_PASSWORD } from '../../testing.js'
import { totpCode, totpStep } from './second-factor.js'

/** Issue 11: TOTP at sign-in for the roles that need it, recovery codes, fresh proof for dangerous acts. */
let t: Awaited<ReturnType<typeof createTestApp>>
let clock: Date
const FRESH_MS = 5 * 60_000
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({
    customers: 3,
    config: { now: () => clock, mfa: { requiredRoles: ['compliance', 'admin'], freshMs: FRESH_MS } },
  })
})
afterEach(() => t.close())

const later = (ms: number) => (clock = new Date(clock.getTime() + ms))
const codeNow = (secret: Uint8Array, drift = 0) => totpCode(secret, totpStep(clock) + drift)
const cookieOf = (res: { headers: Headers }) => res.headers.get('set-cookie')?.split(';')[0] ?? ''

/** Signs in with the password and enrols, as a first sign-in does; answers the secret, the codes and the session. */
async function enrol(role: 'compliance' | 'admin' | 'agent' = 'compliance') {
  const partial = await t.login(role)
  const started = await t.request('POST', '/api/auth/totp', { cookie: partial })
  expect(started.status).toBe(200)
  const secret = decodeBase32IgnorePadding(started.json.secret)
  const confirmed = await t.request('POST', '/api/auth/totp/confirm', { cookie: partial, body: { code: codeNow(secret) } })
  expect(confirmed.status).toBe(200)
  return { secret, recoveryCodes: confirmed.json.recoveryCodes as string[], cookie: cookieOf(confirmed), partial }
}

async function signInWithCode(role: string, code: string) {
  const partial = await t.request('POST', '/api/auth/login', { body: { email: `${role}@example.com`, password: TEST_PASSWORD } })
  const res = await t.request('POST', '/api/auth/mfa', { cookie: cookieOf(partial), body: { code } })
  return { partial, res, cookie: cookieOf(res) }
}

describe('sign-in with a second factor', () => {
  it('sends a required role without one to enrolment only: the partial session opens nothing else', async () => {
    const res = await t.request('POST', '/api/auth/login', { body: { email: 'compliance@example.com', password: TEST_PASSWORD } })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ mfa: 'enrol' })
    const partial = cookieOf(res)
    for (const [method, path] of [
      ['GET', '/api/auth/me'],
      ['GET', listUrl('customers', { filter: { q: 'x@example.com' } })],
      ['GET', '/api/dashboard'],
      ['POST', '/api/customers/1/unmask'],
      ['POST', '/api/auth/recovery-codes'],
      ['POST', '/api/auth/mfa'],
    ] as const) {
      expect(
        (await t.request(method, path, { cookie: partial, body: method === 'POST' ? { code: '123456', reason: 'x' } : undefined })).status,
        path,
      ).toBe(401)
    }
  })

  it('enrols: a QR URI and secret, a wrong code refused, ten recovery codes once, then signed in', async () => {
    const partial = await t.login('compliance')
    const started = await t.request('POST', '/api/auth/totp', { cookie: partial })
    expect(started.json.uri).toMatch(/^otpauth:\/\/totp\/Verity:compliance%40example\.com\?/)
    expect(started.json.uri).toContain(`secret=${started.json.secret}`)
    const secret = decodeBase32IgnorePadding(started.json.secret)
    const wrong = await t.request('POST', '/api/auth/totp/confirm', { cookie: partial, body: { code: codeNow(secret, 5) } })
    expect(wrong.status).toBe(400)
    const ok = await t.request('POST', '/api/auth/totp/confirm', { cookie: partial, body: { code: codeNow(secret) } })
    expect(ok.status).toBe(200)
    expect(ok.json.recoveryCodes).toHaveLength(10)
    expect(new Set(ok.json.recoveryCodes).size).toBe(10)
    const me = await t.request('GET', '/api/auth/me', { cookie: cookieOf(ok) })
    expect(me.json).toMatchObject({ role: 'compliance', factor: 'totp', factorRequired: true })
    expect(Date.parse(me.json.factorFreshUntil)).toBe(clock.getTime() + FRESH_MS)
    // the partial session is gone, and confirming twice gives nothing more
    expect((await t.request('POST', '/api/auth/totp/confirm', { cookie: partial, body: { code: codeNow(secret) } })).status).toBe(401)
    // stored sealed: neither the secret nor a recovery code is in the database as written
    // a signed-in session with a factor replaces it only with a fresh proof
    later(FRESH_MS + 1_000)
    expect((await t.request('POST', '/api/auth/totp', { cookie: cookieOf(ok) })).json.error.code).toBe('fresh_factor_required')
    const row = await t.db.selectFrom('staff_factors').selectAll().executeTakeFirstOrThrow()
    expect(row.secret).not.toContain(started.json.secret)
    const hashes = await t.db.selectFrom('staff_recovery_codes').select('code_hash').execute()
    expect(hashes.map((h) => h.code_hash)).not.toContain(ok.json.recoveryCodes[0])
  })

  it('once enrolled, asks for the code after the password; a wrong code is refused and audited', async () => {
    const { secret } = await enrol()
    later(60_000)
    const partial = await t.request('POST', '/api/auth/login', { body: { email: 'compliance@example.com', password: TEST_PASSWORD } })
    expect(partial.json).toEqual({ mfa: 'totp' })
    expect((await t.request('GET', '/api/auth/me', { cookie: cookieOf(partial) })).status).toBe(401)
    // a password alone cannot replace the factor it is asked for
    expect((await t.request('POST', '/api/auth/totp', { cookie: cookieOf(partial) })).status).toBe(401)
    const wrong = await t.request('POST', '/api/auth/mfa', { cookie: cookieOf(partial), body: { code: codeNow(secret, 4) } })
    expect(wrong.status).toBe(401)
    expect(wrong.json.error.code).toBe('invalid_code')
    const right = await t.request('POST', '/api/auth/mfa', { cookie: cookieOf(partial), body: { code: codeNow(secret) } })
    expect(right.status).toBe(200)
    expect(right.json).toMatchObject({ email: 'compliance@example.com', role: 'compliance', factor: 'totp' })
    expect((await t.request('GET', '/api/auth/me', { cookie: cookieOf(right) })).status).toBe(200)
    // the partial session's token was not promoted: it signs nothing in
    expect((await t.request('GET', '/api/auth/me', { cookie: cookieOf(partial) })).status).toBe(401)
    const actions = (await t.db.selectFrom('audit_log').select('action').execute()).map((a) => a.action)
    expect(actions).toContain('auth.factor_failed')
    expect(actions.filter((a) => a === 'auth.login')).toHaveLength(2)
  })

  it('refuses a code used once already, even in the next sign-in', async () => {
    const { secret } = await enrol()
    later(31_000)
    const code = codeNow(secret)
    expect((await signInWithCode('compliance', code)).res.status).toBe(200)
    const replay = await signInWithCode('compliance', code)
    expect(replay.res.status).toBe(401)
    // nor an older one still within the drift allowed
    expect((await signInWithCode('compliance', codeNow(secret, -1))).res.status).toBe(401)
  })

  it('takes one sign-in for one code, when partial sessions send it at once', async () => {
    const { secret } = await enrol()
    later(31_000)
    const http = await t.listen()
    // three: a password's charge to the throttle stands until its sign-in completes, so more would meet it first
    const partials: string[] = []
    for (let i = 0; i < 3; i++) partials.push(await http.login('compliance'))
    const code = codeNow(secret)
    const { statuses } = await inParallel(3, (i) => http.request('POST', '/api/auth/mfa', { cookie: partials[i], body: { code } }))
    expect(tally(statuses)[200]).toBe(1)
    expect(statuses.every((s) => s === 200 || s === 401 || s === 429)).toBe(true)
  })

  it('takes each recovery code once, in any spelling', async () => {
    const { recoveryCodes } = await enrol()
    const [first, second] = recoveryCodes as [string, string]
    expect(second).toBeTruthy()
    const used = await signInWithCode('compliance', ` ${first.toUpperCase().replace('-', ' ')} `)
    expect(used.res.status).toBe(200)
    expect(used.res.json.recoveryCodesLeft).toBe(9)
    expect((await signInWithCode('compliance', first)).res.status).toBe(401)
    // read off paper: o, l and b typed as 0, 1 and 8 (in one of the other codes; nine without any is a 1-in-10,000 draw)
    const withLetters = recoveryCodes.slice(1).find((c) => /[olb]/.test(c)) ?? second
    const misread = withLetters.replace(/o/g, '0').replace(/l/g, '1').replace(/b/g, '8')
    expect((await signInWithCode('compliance', misread)).res.status).toBe(200)
  })

  it('counts wrong codes toward the sign-in throttle', async () => {
    const { secret } = await enrol()
    const partial = cookieOf(
      await t.request('POST', '/api/auth/login', { body: { email: 'compliance@example.com', password: TEST_PASSWORD } }),
    )
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      statuses.push((await t.request('POST', '/api/auth/mfa', { cookie: partial, body: { code: codeNow(secret, 5 + i) } })).status)
    }
    expect(statuses).toContain(429)
    // locked: even the right code waits
    expect((await t.request('POST', '/api/auth/mfa', { cookie: partial, body: { code: codeNow(secret) } })).status).toBe(429)
  })

  it('ends every other session when a factor is enrolled or replaced', async () => {
    // an agent need not have one: the password signs in, and enrolment starts from the signed-in session
    const agentA = await t.login('agent')
    const agentB = await t.login('agent')
    const started = await t.request('POST', '/api/auth/totp', { cookie: agentA })
    const secret = decodeBase32IgnorePadding(started.json.secret)
    const ok = await t.request('POST', '/api/auth/totp/confirm', { cookie: agentA, body: { code: codeNow(secret) } })
    expect(ok.status).toBe(200)
    expect((await t.request('GET', '/api/auth/me', { cookie: agentA })).status).toBe(200)
    expect((await t.request('GET', '/api/auth/me', { cookie: agentB })).status).toBe(401)
    // a session signed in long ago cannot enrol: a stolen one must not lock its owner out with its own authenticator
    const stale = await t.login('manager')
    later(FRESH_MS + 1_000)
    const refused = await t.request('POST', '/api/auth/totp', { cookie: stale })
    expect(refused.status).toBe(403)
    expect(refused.json.error.reason).toBe('sign_in_again')
    // and the agent's next sign-in asks for it
    const next = await t.request('POST', '/api/auth/login', { body: { email: 'agent@example.com', password: TEST_PASSWORD } })
    expect(next.json).toEqual({ mfa: 'totp' })
  })

  it('lets a client that knows only the password sign in when MFA_REQUIRED_ROLES is empty', async () => {
    const open = await createTestApp({ config: { mfa: { requiredRoles: [], freshMs: FRESH_MS } } })
    const res = await open.request('POST', '/api/auth/login', { body: { email: 'compliance@example.com', password: TEST_PASSWORD } })
    expect(res.json).toMatchObject({ role: 'compliance' })
    await open.close()
  })

  it('does not open a sealed secret moved onto another account', async () => {
    const { secret } = await enrol('compliance')
    const sealed = (await t.db.selectFrom('staff_factors').select('secret').where('staff_id', '=', 2).executeTakeFirstOrThrow()).secret
    await t.db
      .insertInto('staff_factors')
      .values({ staff_id: 4, kind: 'totp', secret: sealed, enrolled_at: clock.toISOString(), last_step: 0 })
      .execute()
    later(31_000)
    expect((await signInWithCode('admin', codeNow(secret))).res.status).toBe(401)
  })
})

describe('fresh proof for dangerous acts', () => {
  it('asks again for the factor to break the glass once the window has passed', async () => {
    const { secret, cookie } = await enrol()
    const glass = () => t.request('POST', '/api/customers/1/unmask', { cookie, body: { reason: 'Court order 2026-114, sealed' } })
    expect((await glass()).status).toBe(201)
    later(FRESH_MS + 1_000)
    const stale = await glass()
    expect(stale.status).toBe(403)
    expect(stale.json.error.code).toBe('fresh_factor_required')
    const proof = await t.request('POST', '/api/auth/mfa', { cookie, body: { code: codeNow(secret) } })
    expect(proof.status).toBe(200)
    expect(Date.parse(proof.json.factorFreshUntil)).toBe(clock.getTime() + FRESH_MS)
    expect((await glass()).status).toBe(201)
  })

  it('asks an admin again before a staff change', async () => {
    const { secret, cookie } = await enrol('admin')
    later(FRESH_MS + 1_000)
    const create = () =>
      t.request('POST', '/api/staff', { cookie, body: { email: 'new.agent@example.com', name: 'New Agent', role: 'agent' } })
    expect((await create()).json.error.code).toBe('fresh_factor_required')
    expect(
      await t.db.selectFrom('staff_users').select('id').where('email', '=', 'new.agent@example.com').executeTakeFirst(),
    ).toBeUndefined()
    await t.request('POST', '/api/auth/mfa', { cookie, body: { code: codeNow(secret) } })
    expect((await create()).status).toBe(201)
  })

  it('renews recovery codes only with a fresh proof; the old set stops working', async () => {
    const { cookie, recoveryCodes } = await enrol()
    const renewed = await t.request('POST', '/api/auth/recovery-codes', { cookie })
    expect(renewed.json.recoveryCodes).toHaveLength(10)
    expect((await signInWithCode('compliance', recoveryCodes[0]!)).res.status).toBe(401)
    later(FRESH_MS + 1_000)
    expect((await t.request('POST', '/api/auth/recovery-codes', { cookie })).json.error.code).toBe('fresh_factor_required')
  })

  it('lets an admin remove a lost factor: the person enrols again at the next sign-in', async () => {
    const { secret } = await enrol('compliance')
    const adminFactor = await enrol('admin')
    later(31_000)
    const officer = (await signInWithCode('compliance', codeNow(secret))).cookie
    const removed = await t.request('DELETE', '/api/staff/2/factor', { cookie: adminFactor.cookie })
    expect(removed.status).toBe(200)
    expect(removed.json).toMatchObject({ factor: null, lacks_factor: true })
    expect((await t.request('GET', '/api/auth/me', { cookie: officer })).status).toBe(401)
    const next = await t.request('POST', '/api/auth/login', { body: { email: 'compliance@example.com', password: TEST_PASSWORD } })
    expect(next.json).toEqual({ mfa: 'enrol' })
    expect((await t.request('DELETE', '/api/staff/2/factor', { cookie: adminFactor.cookie })).status).toBe(409)
  })
})

describe('a sign-in left at the second factor', () => {
  it('shows among the account’s sessions as waiting, and ends with sign-out', async () => {
    const { cookie } = await enrol()
    const partial = cookieOf(
      await t.request('POST', '/api/auth/login', { body: { email: 'compliance@example.com', password: TEST_PASSWORD } }),
    )
    const sessions = await t.request('GET', '/api/auth/sessions', { cookie })
    expect(sessions.json.map((s: { stage: string }) => s.stage).sort()).toEqual(['factor', 'signed_in'])
    expect((await t.request('POST', '/api/auth/logout', { cookie: partial })).status).toBe(204)
    expect((await t.request('GET', '/api/auth/sessions', { cookie })).json).toHaveLength(1)
  })
})
