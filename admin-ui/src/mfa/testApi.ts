import { http, HttpResponse } from 'msw'
import type { Me } from '../authProvider'
import { apiError, server, staffOf } from '../test/server'

/** For tests: the API's second factor as msw answers it (api/src/modules/auth: login, mfa, totp, recovery codes). */
export const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
export const URI = `otpauth://totp/Verity:compliance%40example.com?secret=${SECRET}&issuer=Verity&algorithm=SHA1&digits=6&period=30`
export const GOOD_CODE = '123456'
export const RECOVERY = [
  'k7p2q-x9m4t',
  'a1b2c-d3e4f',
  'g5h6j-k7m8n',
  'p9q2r-s3t4v',
  'w5x6y-z7a8b',
  'c9d2e-f3g4h',
  'j5k6m-n7p8q',
  'r9s2t-v3w4x',
  'y5z6a-b7c8d',
  'e9f2g-h3j4k',
]
export const NEW_RECOVERY = RECOVERY.map((c) => c.split('').reverse().join(''))

export interface MfaCalls {
  login: unknown[]
  mfa: string[]
  totp: number
  confirm: string[]
  renew: number
}

/**
 * The second factor's routes for `staff`: POST /api/auth/login answers `{mfa: step}` (or signs in when step is null),
 * /api/auth/mfa takes GOOD_CODE or the first recovery code, /api/auth/totp/confirm takes GOOD_CODE. GET /api/auth/me
 * answers 401 until a code signs in (or `signedIn`). Every call is kept to look at.
 */
export function mfaApi({
  step,
  staff = staffOf('compliance'),
  signedIn = false,
  factor = null,
}: { step?: 'totp' | 'enrol' | null; staff?: Me; signedIn?: boolean; factor?: 'totp' | null } = {}) {
  const calls: MfaCalls = { login: [], mfa: [], totp: 0, confirm: [], renew: 0 }
  let state = { signedIn, factor }
  const me = () => ({
    ...staff,
    factor: state.factor,
    factorRequired: staff.role === 'compliance' || staff.role === 'admin',
    factorFreshUntil: null,
  })
  server.use(
    http.get('/api/auth/me', () => (state.signedIn ? HttpResponse.json(me()) : apiError(401, 'unauthenticated', 'Sign in'))),
    http.post('/api/auth/logout', () => new HttpResponse(null, { status: 204 })),
    http.get('/api/dashboard', () => HttpResponse.json({ role: staff.role })),
    http.post('/api/auth/login', async ({ request }) => {
      calls.login.push(await request.json())
      if (!step) {
        state = { ...state, signedIn: true }
        return HttpResponse.json(staff)
      }
      return HttpResponse.json({ mfa: step })
    }),
    http.post('/api/auth/mfa', async ({ request }) => {
      const { code } = (await request.json()) as { code: string }
      calls.mfa.push(code)
      if (code !== GOOD_CODE && code !== RECOVERY[0]) return apiError(401, 'invalid_code', 'That code is not right.')
      const recoveryCodesLeft = code === RECOVERY[0] ? 9 : null
      if (state.signedIn) return HttpResponse.json({ factorFreshUntil: '2026-11-27T10:05:00Z', recoveryCodesLeft })
      state = { ...state, signedIn: true }
      return HttpResponse.json({ ...me(), recoveryCodesLeft })
    }),
    http.post('/api/auth/totp', () => {
      calls.totp++
      return HttpResponse.json({ secret: SECRET, uri: URI })
    }),
    http.post('/api/auth/totp/confirm', async ({ request }) => {
      const { code } = (await request.json()) as { code: string }
      calls.confirm.push(code)
      // as the API answers it here: the body's field, not invalid_code
      if (code !== GOOD_CODE)
        return apiError(400, 'validation_failed', 'That code is not right. Enter the code the app shows now.', { code: 'Not right' })
      state = { signedIn: true, factor: 'totp' }
      return HttpResponse.json({ recoveryCodes: RECOVERY })
    }),
    http.post('/api/auth/recovery-codes', () => {
      calls.renew++
      return HttpResponse.json({ recoveryCodes: NEW_RECOVERY })
    }),
  )
  return calls
}

/** A dangerous act's refusal for want of fresh proof, as the API words it. */
export const freshFactorRequired = () =>
  apiError(
    403,
    'fresh_factor_required',
    'This action needs your authenticator code again: give it at POST /api/auth/mfa, then repeat the request.',
  )
