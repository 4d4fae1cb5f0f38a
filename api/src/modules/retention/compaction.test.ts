import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, fullyOnFile, TEST_DIALECT } from '../../testing.js'
import { compactAfterErasures } from './compaction.js'

let t: Awaited<ReturnType<typeof createTestApp>>
beforeAll(async () => {
  t = await createTestApp({ customers: 40 })
  await t.addStaff('compliance', 'second@example.com', 'Second Officer')
})
afterAll(() => t.close())

/** A written erasure filed by one officer and approved by another, through the API. */
async function erase(offset: number) {
  const customerId = await fullyOnFile(t.db, offset)
  const filed = await t.request('POST', '/api/requests', {
    cookie: await t.login('compliance'),
    body: { customerId, type: 'erasure', channel: 'written' },
  })
  expect(filed.status).toBe(201)
  const approved = await t.request('POST', `/api/requests/${filed.json.id}/approve`, {
    cookie: await t.login('second@example.com'),
    body: {},
  })
  expect(approved.status).toBe(200)
}

const lastRun = async () => (await t.db.selectFrom('maintenance_runs').selectAll().execute()).map((r) => r.job)

describe('compaction after erasures', () => {
  it('does nothing while no one has been erased', async () => {
    expect(await compactAfterErasures(t.db, new Date())).toBeNull()
    expect(await lastRun()).toEqual([])
  })

  it.runIf(TEST_DIALECT === 'postgres')('leaves PostgreSQL to its own vacuum, which reuses the space of erased rows', async () => {
    await erase(0)
    expect(await compactAfterErasures(t.db, new Date())).toBeNull()
    expect(await lastRun()).toEqual([])
  })

  it.runIf(TEST_DIALECT === 'sqlite')(
    'compacts once after erasures, counting those since the last compaction, then waits for the next',
    async () => {
      await erase(0)
      await erase(1)
      expect(await compactAfterErasures(t.db, new Date())).toMatch(/^Compacted the database after 2 erasures in \d+\.\d s$/)
      expect(await lastRun()).toEqual(['compaction'])
      expect(await compactAfterErasures(t.db, new Date())).toBeNull()
      await erase(2)
      expect(await compactAfterErasures(t.db, new Date())).toMatch(/^Compacted the database after 1 erasure in/)
    },
  )
})
