import { STAFF_ROLES, type StaffRole } from '@verity/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from './testing.js'

/**
 * Who may call what (docs/design.md, "Roles and what the server allows"). Every route the API mounts must be listed here:
 * a new route without a line fails the coverage test below.
 */
const PUBLIC = 'public'
const SIGNED_IN = [...STAFF_ROLES]
const ROUTES: Record<string, StaffRole[] | typeof PUBLIC> = {
  'POST /auth/login': PUBLIC,
  // The emailed set-password link is the key (api/src/modules/staff/set-password.ts).
  'POST /auth/set-password': PUBLIC,
  'POST /auth/logout': PUBLIC,
  'GET /auth/me': SIGNED_IN,
  'POST /auth/password': SIGNED_IN,
  // the second factor: a partial session (a right password) may use these too (second-factor.test.ts)
  'POST /auth/mfa': SIGNED_IN,
  'POST /auth/totp': SIGNED_IN,
  'POST /auth/totp/confirm': SIGNED_IN,
  'POST /auth/recovery-codes': SIGNED_IN,
  'GET /auth/sessions': SIGNED_IN,
  'DELETE /auth/sessions/:id': SIGNED_IN,
  'GET /staff/:id/sessions': ['admin'],
  'DELETE /staff/:id/sessions/:sid': ['admin'],
  // Each role gets only its own counts (api/src/modules/dashboard/dashboard.test.ts).
  'GET /dashboard': SIGNED_IN,
  'GET /staff': ['admin'],
  'GET /staff/:id': ['admin'],
  'POST /staff': ['admin'],
  'PUT /staff/:id': ['admin'],
  'POST /staff/:id/password': ['admin'],
  'DELETE /staff/:id/factor': ['admin'],
  // two-person grants: approved or rejected by a compliance officer other than whoever asked (grants.test.ts)
  'GET /grants': ['compliance', 'admin'],
  'GET /grants/:id': ['compliance', 'admin'],
  'POST /grants/:id/approve': ['compliance'],
  'POST /grants/:id/reject': ['compliance'],
  'POST /grants/:id/cancel': ['compliance', 'admin'],
  'GET /audit-log': ['compliance', 'admin'],
  'POST /audit-log/verify': ['compliance', 'admin'],
  'GET /audit-log/verify/latest': ['compliance', 'admin'],
  'GET /audit-log/staff': ['compliance', 'admin'],
  'GET /audit-log/:id': ['compliance', 'admin'],
  'GET /customers': ['agent', 'compliance'],
  'GET /customers/:id': ['agent', 'compliance'],
  'POST /customers/:id/unmask': ['compliance'],
  'POST /customers/:id/password-reset': ['agent', 'compliance'],
  'GET /verifications': ['agent', 'compliance'],
  'GET /verifications/:id': ['agent', 'compliance'],
  'POST /verifications': ['agent', 'compliance'],
  'POST /verifications/:id/answers': ['agent', 'compliance'],
  'POST /verifications/:id/code': ['agent', 'compliance'],
  'POST /verifications/:id/code/check': ['agent', 'compliance'],
  'GET /flags': ['compliance'],
  'GET /flags/:id': ['compliance'],
  'POST /flags/:id/resolve': ['compliance'],
  'POST /flags/:id/lock-account': ['compliance'],
  'POST /flags/:id/record-consent': ['compliance'],
  'GET /disclosures': ['compliance'],
  'POST /disclosures': ['compliance'],
  'POST /disclosures/subject-lookup': ['compliance'],
  'GET /disclosures/transparency-report': ['compliance'],
  'GET /disclosures/accounting/:id': ['compliance'],
  'GET /disclosures/:id': ['compliance'],
  'PUT /disclosures/:id': ['compliance'],
  'POST /disclosures/:id/review': ['compliance'],
  'POST /disclosures/:id/close': ['compliance'],
  'POST /disclosures/:id/withdraw': ['compliance'],
  'POST /disclosures/:id/amendments': ['compliance'],
  'POST /disclosures/:id/release-hold': ['compliance'],
  'POST /disclosures/:id/notice': ['compliance'],
  'POST /disclosures/:id/post-review': ['compliance'],
  'POST /disclosures/:id/attachments': ['compliance'],
  'GET /disclosures/:id/attachments/:attachmentId': ['compliance'],
  'GET /requests': ['agent', 'compliance'],
  'GET /requests/:id': ['agent', 'compliance'],
  'POST /requests': ['agent', 'compliance'],
  'POST /requests/:id/approve': ['compliance'],
  'POST /requests/:id/reject': ['compliance'],
  'POST /requests/:id/cancel': ['agent', 'compliance'],
  'POST /requests/:id/extend': ['compliance'],
  'POST /requests/:id/attachments': ['agent', 'compliance'],
  'GET /requests/:id/attachments/:attachmentId': ['agent', 'compliance'],
  // The customer's download of an access export: the link's token is the key, no staff session.
  'GET /exports/:token': PUBLIC,
  'GET /outbox': ['compliance'],
  'GET /outbox/:id': ['compliance'],
  'GET /reports/demographics': ['compliance', 'manager', 'admin'],
  'GET /reports/commerce': ['compliance', 'manager', 'admin'],
  'GET /reports/buyers': ['compliance', 'manager', 'admin'],
  'GET /reports/operations': ['compliance', 'manager', 'admin'],
  'POST /reports/exports': ['compliance', 'manager', 'admin'],
  'GET /reports/exports': ['compliance', 'manager', 'admin'],
  'GET /settings': ['admin'],
  'GET /settings/:id': ['admin'],
  'PUT /settings/:id': ['admin'],
}

let t: Awaited<ReturnType<typeof createTestApp>>
beforeAll(async () => {
  t = await createTestApp({ customers: 20 })
})
afterAll(() => t.close())

const mounted = () =>
  [...new Set(t.api.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/\/$/, '') || '/'}`))].sort()

describe('role-by-route table', () => {
  it('lists every mounted route, and no route that is not mounted', () => {
    expect(mounted()).toEqual(Object.keys(ROUTES).sort())
  })

  for (const [route, allowed] of Object.entries(ROUTES)) {
    const [method, path] = route.split(' ') as [string, string]
    // a staff password reset of a seeded account would end its password for the routes after it: an unknown id (404) instead
    const id = path.startsWith('/settings') ? 'k_anonymity' : path === '/staff/:id/password' ? '999' : '1'
    const url = `/api${path.replace(':id', id).replace(':attachmentId', '1')}`
    const body = method === 'GET' ? undefined : {}

    it(`${route}: nobody signed in gets ${allowed === PUBLIC ? 'through' : '401'}`, async () => {
      const res = await t.request(method, url, { body })
      if (allowed === PUBLIC) expect([400, 204]).toContain(res.status)
      else expect(res.status).toBe(401)
    })

    for (const role of STAFF_ROLES) {
      const permitted = allowed === PUBLIC || allowed.includes(role)
      it(`${route}: ${role} ${permitted ? 'is let through' : 'gets 403'}`, async () => {
        const cookie = await t.login(role)
        const res = await t.request(method, url, { body, cookie })
        if (permitted) expect([401, 403]).not.toContain(res.status)
        else {
          expect(res.status).toBe(403)
          expect(res.json.error.code).toBe('forbidden')
        }
      })
    }
  }
})
