import type { AuthProvider, UserIdentity } from 'react-admin'
import { httpClient } from './httpClient'
import { canRoleAccess, type Role } from './roles'

export interface Me {
  id: number
  email: string
  name: string
  role: Role
  /** the second factor the account has (GET /api/auth/me; absent from the sign-in answer) */
  factor?: 'totp' | null
  /** whether the role must give one (MFA_REQUIRED_ROLES) */
  factorRequired?: boolean
  /** until when dangerous acts need no code again */
  factorFreshUntil?: string | null
}

/** What comes after a right password: a code from the authenticator app, or setting one up first. */
export type SecondStep = 'totp' | 'enrol'

/**
 * The password was right and a second step follows (POST /api/auth/login answered `{mfa}`): login() rejects with
 * this, so react-admin does not leave the sign-in page, which shows the step (sign-in/SignInPage.tsx).
 */
export class SecondStepNeeded extends Error {
  constructor(readonly step: SecondStep) {
    super(`second step: ${step}`)
    this.name = 'SecondStepNeeded'
  }
}

/**
 * authProvider.login's three forms: the password; the second factor's code (a TOTP code or a recovery code) on the
 * partial session the password opened; and, once an enrolment's confirmation has signed in, picking up who that is.
 */
export type SignIn = { username: string; password: string } | { code: string } | { enrolled: true }

let me: Me | null = null

/** Drops the cached identity; the next check asks the API again. */
export function forgetStaff() {
  me = null
}

async function currentStaff(): Promise<Me> {
  if (!me) me = (await httpClient('/api/auth/me')).json as Me
  return me
}

export const authProvider: AuthProvider = {
  async login(params: SignIn) {
    me = null
    if ('enrolled' in params) {
      await currentStaff()
      return
    }
    if ('code' in params) {
      const { json } = await httpClient('/api/auth/mfa', { method: 'POST', body: JSON.stringify({ code: params.code }) })
      const { recoveryCodesLeft, ...staff } = json as Me & { recoveryCodesLeft: number | null }
      me = staff
      // what the page says after a recovery code: how many are left
      return { recoveryCodesLeft }
    }
    const { json } = await httpClient('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: params.username, password: params.password }),
    })
    const answer = json as Me | { mfa: SecondStep }
    if ('mfa' in answer) throw new SecondStepNeeded(answer.mfa)
    me = answer
  },
  async logout() {
    const signedIn = me !== null
    me = null
    if (signedIn) await httpClient('/api/auth/logout', { method: 'POST' }).catch(() => undefined)
  },
  async checkAuth() {
    await currentStaff()
  },
  async checkError(error: { status?: number }) {
    // 401: the session ended, back to sign-in. 403: signed in but not allowed; stay and show the message.
    if (error?.status === 401) {
      me = null
      throw error
    }
  },
  async getIdentity(): Promise<UserIdentity> {
    const staff = await currentStaff()
    return { id: staff.id, fullName: staff.name, email: staff.email, role: staff.role }
  },
  async getPermissions() {
    // Nobody signed in has no role (not an error to retry): App.tsx then registers no page, and checkAuth asks to sign in.
    return (await currentStaff().catch(() => null))?.role ?? null
  },
  async canAccess({ resource, action }) {
    const staff = await currentStaff().catch(() => null)
    return canRoleAccess(staff?.role, resource, action)
  },
}
