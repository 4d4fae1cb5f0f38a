import type { AuthProvider, UserIdentity } from 'react-admin'
import { httpClient } from './httpClient'
import { canRoleAccess, type Role } from './roles'

export interface Me {
  id: number
  email: string
  name: string
  role: Role
}

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
  async login({ username, password }: { username: string; password: string }) {
    me = null
    const { json } = await httpClient('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: username, password }),
    })
    me = json as Me
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
