import type { StaffRole } from '@verity/db'
import { createTestDatabase } from '@verity/db/testing'
import { createApp } from './app.js'
import type { AppConfig } from './platform/context.js'
import { seedStaff } from './modules/staff/staff.seed.js'

export const TEST_PASSWORD = 'Correct-horse-battery-9'
export const ORIGIN = 'http://localhost'

export interface TestResponse {
  status: number
  headers: Headers
  json: any
  text: string
}

/** A fresh app on a fresh in-memory database with the four seeded staff, and a small HTTP client for it. */
export async function createTestApp({ customers = 0, config = {} }: { customers?: number; config?: Partial<AppConfig> } = {}) {
  const handle = await createTestDatabase({ customers })
  await seedStaff(handle.db, TEST_PASSWORD)
  const { app, api } = createApp(handle.db, config)

  async function request(
    method: string,
    path: string,
    { body, cookie, origin = ORIGIN, headers = {} }: { body?: unknown; cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
  ): Promise<TestResponse> {
    const h: Record<string, string> = { Accept: 'application/json', ...headers }
    if (origin) h.Origin = origin
    if (cookie) h.Cookie = cookie
    if (body !== undefined) h['Content-Type'] = 'application/json'
    const res = await app.request(`${ORIGIN}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let json: any
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, json, text }
  }

  /** Signs in and answers the session cookie ("name=value") to send back. */
  async function login(role: StaffRole, password = TEST_PASSWORD): Promise<string> {
    const res = await app.request(`${ORIGIN}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ email: `${role}@example.com`, password }),
    })
    if (res.status !== 200) throw new Error(`login as ${role}: ${res.status} ${await res.text()}`)
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  return { app, api, db: handle.db, handle, request, login, close: handle.close }
}

/** A simple-rest list URL. */
export function listUrl(resource: string, { sort, range, filter }: { sort?: unknown; range?: unknown; filter?: unknown } = {}) {
  const q = new URLSearchParams()
  if (sort) q.set('sort', JSON.stringify(sort))
  if (range) q.set('range', JSON.stringify(range))
  if (filter) q.set('filter', JSON.stringify(filter))
  return `/api/${resource}?${q}`
}
