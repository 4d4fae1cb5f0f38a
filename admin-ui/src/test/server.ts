import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import type { Me } from '../authProvider'

export const server = setupServer()

export const staffOf = (role: Me['role']): Me => ({ id: 7, email: `${role}@example.com`, name: 'Wang Fang', role })

/** The API as a signed-in staff member of this role sees it, with sign-in and sign-out. */
export function signedInAs(role: Me['role']) {
  return [
    http.get('/api/auth/me', () => HttpResponse.json(staffOf(role))),
    http.post('/api/auth/logout', () => new HttpResponse(null, { status: 204 })),
    // The dashboard's counts, none waiting; a test of the counts puts its own first.
    http.get('/api/dashboard', () => HttpResponse.json({ role })),
  ]
}

export const apiError = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  HttpResponse.json({ error: fields ? { code, message, fields } : { code, message } }, { status })
