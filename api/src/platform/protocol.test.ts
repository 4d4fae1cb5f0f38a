import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, listUrl } from '../testing.js'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: string
beforeAll(async () => {
  t = await createTestApp()
  admin = await t.login('admin')
})
afterAll(() => t.close())

const get = (url: string) => t.request('GET', url, { cookie: admin })
const raw = (query: string) => get(`/api/staff?${query}`)

describe('the simple-rest list protocol', () => {
  it('answers an array with Content-Range, sorted and ranged', async () => {
    const res = await get(listUrl('staff', { sort: ['email', 'DESC'], range: [1, 2] }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-range')).toBe('staff 1-2/4')
    expect(res.json.map((s: { email: string }) => s.email)).toEqual(['compliance@example.com', 'agent@example.com'])
  })

  it('filters by whitelisted fields, and by ids as getMany sends them', async () => {
    expect((await get(listUrl('staff', { filter: { role: 'manager' } }))).json).toHaveLength(1)
    expect((await get(listUrl('staff', { filter: { id: [1, 3] } }))).json.map((s: { id: number }) => s.id)).toEqual([1, 3])
    expect((await get(listUrl('staff', { filter: { q: 'AGENT' } }))).json).toHaveLength(1)
    expect((await get(listUrl('staff', { filter: { q: '%' } }))).json).toHaveLength(0)
    // No ids at all is a question with no answer; PostgreSQL would refuse `in ()` outright.
    const none = await get(listUrl('staff', { filter: { id: [] } }))
    expect(none.status).toBe(400)
    expect(none.json.error.fields).toHaveProperty(['filter.id'])
  })

  const bad: [string, string, string][] = [
    ['sort that is not JSON', 'sort=id', 'sort'],
    ['sort on a column that is not whitelisted', `sort=${encodeURIComponent('["password_hash","ASC"]')}`, 'sort'],
    ['SQL in sort', `sort=${encodeURIComponent('["id; DROP TABLE staff_users; --","ASC"]')}`, 'sort'],
    ['a sort order that is not ASC or DESC', `sort=${encodeURIComponent('["id","SIDEWAYS"]')}`, 'sort'],
    ['a reversed range', `range=${encodeURIComponent('[10,2]')}`, 'range'],
    ['a negative range', `range=${encodeURIComponent('[-5,2]')}`, 'range'],
    ['an absurd range', `range=${encodeURIComponent('[0,1000000]')}`, 'range'],
    ['a range of strings', `range=${encodeURIComponent('["0","9"]')}`, 'range'],
    ['a filter that is not JSON', 'filter={role:', 'filter'],
    ['an unknown filter field', `filter=${encodeURIComponent('{"password_hash":"x"}')}`, 'filter.password_hash'],
    ['SQL in a filter value', `filter=${encodeURIComponent(`{"role":"admin' OR '1'='1"}`)}`, 'filter.role'],
    ['a filter of the wrong type', `filter=${encodeURIComponent('{"id":{"$gt":0}}')}`, 'filter.id'],
    ['a filter that is an array', `filter=${encodeURIComponent('[1,2]')}`, 'filter'],
  ]
  for (const [what, query, field] of bad) {
    it(`refuses ${what} with 400 naming ${field}`, async () => {
      const res = await raw(query)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('validation_failed')
      expect(typeof res.json.error.message).toBe('string')
      expect(Object.keys(res.json.error.fields)).toContain(field)
    })
  }

  it('still has every staff member after all that', async () => {
    expect((await get(listUrl('staff'))).headers.get('content-range')).toBe('staff 0-3/4')
  })
})

describe('request bodies', () => {
  it('refuses malformed JSON with 400', async () => {
    const res = await t.request('POST', '/api/staff', { cookie: admin, body: '{"email": ' })
    expect(res.status).toBe(400)
    expect(res.json.error).toEqual({ code: 'bad_request', message: 'Malformed JSON in request body.' })
  })

  it('refuses unknown fields, naming them', async () => {
    const res = await t.request('POST', '/api/staff', {
      cookie: admin,
      body: { email: 'x@example.com', name: 'X', role: 'agent', is_superuser: true },
    })
    expect(res.status).toBe(400)
    expect(res.json.error.fields).toEqual({ is_superuser: 'Unknown field' })
  })

  it('names each invalid field', async () => {
    const res = await t.request('POST', '/api/staff', {
      cookie: admin,
      body: { email: 'not-an-email', name: '', role: 'root' },
    })
    expect(res.status).toBe(400)
    expect(Object.keys(res.json.error.fields).sort()).toEqual(['email', 'name', 'role'])
  })

  it('refuses a body that is not an object, and one over 1 MiB', async () => {
    expect((await t.request('POST', '/api/staff', { cookie: admin, body: '[1,2,3]' })).status).toBe(400)
    expect((await t.request('POST', '/api/staff', { cookie: admin, body: 'null' })).status).toBe(400)
    const big = await t.request('POST', '/api/staff', { cookie: admin, body: { name: 'x'.repeat(1_100_000) } })
    expect(big.status).toBe(413)
    expect(big.json.error.code).toBe('payload_too_large')
  })

  it('answers unknown routes and bad ids with JSON 404 or 400, never 500', async () => {
    expect((await get('/api/nothing-here')).json.error.code).toBe('not_found')
    expect((await get('/api/staff/999')).status).toBe(404)
    expect((await get('/api/staff/abc')).status).toBe(400)
    expect((await get('/api/staff/1e400')).status).toBe(400)
  })
})

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the request schemas of the routes', async () => {
    const res = await t.request('GET', '/api/openapi.json')
    expect(res.status).toBe(200)
    expect(res.json.openapi).toBe('3.1.0')
    expect(res.json.servers).toEqual([{ url: '/api' }])
    const login = res.json.paths['/auth/login'].post
    expect(JSON.stringify(login.requestBody)).toContain('password')
    expect(res.json.paths['/staff/{id}'].put).toBeTruthy()
    const docs = await t.request('GET', '/api/docs')
    expect(docs.text).toContain('/api/docs/swagger-ui-bundle.js')
    expect((await t.request('GET', '/api/docs/swagger-ui-bundle.js')).status).toBe(200)
  })
})

describe('health and readiness', () => {
  it('answers live and ready with a database; not ready, and no 500, when the database is gone', async () => {
    const other = await createTestApp()
    expect(await other.request('GET', '/api/health')).toMatchObject({ status: 200, json: { ok: true } })
    expect(await other.request('GET', '/api/ready')).toMatchObject({ status: 200, json: { ready: true } })
    await other.close()
    expect(await other.request('GET', '/api/ready')).toMatchObject({ status: 503, json: { ready: false, reason: 'database_unreachable' } })
    expect((await other.request('GET', '/api/health')).status).toBe(200)
  })
})
