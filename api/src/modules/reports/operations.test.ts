import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callerAnswers, createTestApp, fullyOnFile, verifyCaller } from '../../testing.js'
import { median } from './operations.js'

let t: Awaited<ReturnType<typeof createTestApp>>
const get = (path: string, cookie: string) => t.request('GET', path, { cookie })
let clock: Date
let agent: string
let compliance: string
let second: string
let manager: string
beforeEach(async () => {
  clock = new Date('2026-11-27T09:00:00Z')
  t = await createTestApp({ customers: 300, config: { now: () => clock } })
  await t.addStaff('compliance', 'second@example.com', 'Second Officer')
  agent = await t.login('agent')
  compliance = await t.login('compliance')
  second = await t.login('second@example.com')
  manager = await t.login('manager')
})
afterEach(() => t.close())

const HOUR = 3_600_000
/** Moves the clock on; sessions idle that long have ended, so everyone signs in again. */
async function later(ms: number) {
  clock = new Date(clock.getTime() + ms)
  second = await t.login('second@example.com')
  manager = await t.login('manager')
}
const post = (path: string, cookie: string, body: unknown = {}) => t.request('POST', path, { cookie, body })

/** A verification answered wrong throughout. */
async function failVerification(customerId: number) {
  const v = (await post('/api/verifications', agent, { customerId, channel: 'phone' })).json
  const truth = await callerAnswers(t.db, customerId)
  const answers = v.questions.map((q: { id: number; field: string }) => ({ questionId: q.id, value: `${truth[q.field] ?? ''}x9` }))
  return (await post(`/api/verifications/${v.id}/answers`, agent, { answers })).json.status as string
}

const disclosure = (type: string, receivedAt: string, n: number) => ({
  type,
  authority: 'Regional Court',
  jurisdiction: 'DE',
  legalBasis: 'StPO § 100g',
  caseNumber: `OPS-${type}-${n}`,
  receivedAt,
  subjectIds: [1],
})

describe('operations', () => {
  it('gives the pass rate, requests by type and status, on-time share and median time, as the base tables give them', async () => {
    for (const offset of [0, 1, 2]) await verifyCaller(t.request, t.db, await fullyOnFile(t.db, offset), agent)
    expect(await failVerification(await fullyOnFile(t.db, 3))).toBe('failed')

    const file = async (customerId: number, type: string) =>
      (await post('/api/requests', compliance, { customerId, type, channel: 'written' })).json.id as number
    const quick = await file(10, 'access')
    const slow = await file(11, 'access')
    const rejected = await file(12, 'erasure')
    await file(13, 'erasure')
    await later(2 * HOUR)
    expect((await post(`/api/requests/${quick}/approve`, second)).status).toBe(200)
    expect((await post(`/api/requests/${rejected}/reject`, second, { reason: 'Not the customer' })).status).toBe(200)
    await later(90 * 24 * HOUR) // well past any due date
    expect((await post(`/api/requests/${slow}/approve`, second)).status).toBe(200)

    const res = await get('/api/reports/operations', manager)
    expect(res.status).toBe(200)
    const { verifications, requests } = res.json
    expect(verifications).toEqual({ completed: 4, verified: 3, pass_rate_percent: 75 })
    const count = (type: string, status: string) =>
      requests.by_type_and_status.find((r: { type: string; status: string }) => r.type === type && r.status === status).count
    expect([count('access', 'completed'), count('erasure', 'rejected'), count('erasure', 'pending'), count('edit', 'pending')]).toEqual([
      2, 1, 1, 0,
    ])
    expect(requests.completed).toBe(2)
    expect(requests.on_time_percent).toBe(50)
    expect(requests.median_hours_to_complete).toBe((2 + (2 + 90 * 24)) / 2)

    // The same from the base tables.
    const rows = await t.db.selectFrom('data_requests').select(['type', 'status', 'created_at', 'completed_at', 'due_at']).execute()
    for (const r of requests.by_type_and_status) expect(r.count).toBe(rows.filter((x) => x.type === r.type && x.status === r.status).length)
    const done = rows.filter((r) => r.status === 'completed')
    expect(requests.median_hours_to_complete).toBe(median(done.map((r) => (Date.parse(r.completed_at!) - Date.parse(r.created_at)) / HOUR)))
    const statuses = await t.db.selectFrom('verifications').select('status').execute()
    expect(verifications.verified).toBe(statuses.filter((s) => s.status === 'verified').length)
  })

  it('counts disclosures by type per half-year, banded as the transparency report bands them', async () => {
    for (let i = 0; i < 2; i++)
      expect((await post('/api/disclosures', compliance, disclosure('subpoena', '2026-03-09', i))).status).toBe(201)
    for (let i = 0; i < 11; i++) await post('/api/disclosures', compliance, disclosure('court_order', '2026-08-01', i))
    await post('/api/disclosures', compliance, disclosure('preservation', '2026-08-02', 0))
    const res = await get('/api/reports/operations', manager)
    const cells = res.json.disclosures.by_type_and_half_year as { period: string; type: string; requests: string }[]
    const cell = (period: string, type: string) => cells.find((c) => c.period === period && c.type === type)?.requests
    expect(res.json.disclosures.band_below).toBe(10)
    expect(cell('2026-H1', 'subpoena')).toBe('0–9')
    expect(cell('2026-H1', 'court_order')).toBe('0–9')
    expect(cell('2026-H2', 'court_order')).toBe('11')
    expect(cell('2026-H2', 'preservation')).toBe('0–9')
    // Every figure is a band or a count of at least 10: no small number appears.
    expect(cells.every((c) => c.requests === '0–9' || Number(c.requests) >= 10)).toBe(true)
    // The transparency report says the same.
    const transparency = await t.request('GET', '/api/disclosures/transparency-report', { cookie: compliance })
    const court = transparency.json.rows.filter((r: { period: string; type: string }) => r.period === '2026-H2' && r.type === 'court_order')
    expect(court.map((r: { requests: string }) => r.requests)).toEqual(['11'])
  })

  it('keeps to the range asked', async () => {
    await post('/api/disclosures', compliance, disclosure('subpoena', '2026-03-09', 0))
    const res = await get('/api/reports/operations?from=2026-07-01&to=2026-12-31', manager)
    expect(res.status).toBe(200)
    expect(res.json.disclosures.by_type_and_half_year).toEqual([])
    expect((await get('/api/reports/operations?from=2026-07-01&to=2026-01-31', manager)).status).toBe(400)
  })

  it('is closed to agents', async () => {
    expect((await get('/api/reports/operations', agent)).status).toBe(403)
  })
})
