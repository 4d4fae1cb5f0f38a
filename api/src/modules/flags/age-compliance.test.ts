import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, inParallel, tally, TEST_AUDIT_KEY } from '../../testing.js'
import { ageOn, latestBirthDateForAge } from '../../platform/age.js'
import { checkAgeCompliance } from './age-compliance.js'

describe('ageOn', () => {
  it('adds a year on the birthday itself, not the day before', () => {
    expect(ageOn('2013-11-27', '2026-11-26')).toBe(12)
    expect(ageOn('2013-11-27', '2026-11-27')).toBe(13)
    expect(ageOn('2008-12-31', '2026-12-30')).toBe(17)
    expect(ageOn('2008-12-31', '2026-12-31')).toBe(18)
    expect(ageOn('2009-01-01', '2026-12-31')).toBe(17)
    expect(ageOn('2026-11-27', '2026-11-27')).toBe(0)
  })

  it('makes someone born on 29 February a year older on 1 March in common years, on 29 February in leap years', () => {
    expect(ageOn('2012-02-29', '2025-02-28')).toBe(12)
    expect(ageOn('2012-02-29', '2025-03-01')).toBe(13)
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17)
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18)
    expect(ageOn('2012-02-29', '2028-02-28')).toBe(15)
    expect(ageOn('2012-02-29', '2028-02-29')).toBe(16)
    // and someone born 28 February or 1 March keeps their own day
    expect(ageOn('2012-02-28', '2025-02-28')).toBe(13)
    expect(ageOn('2012-03-01', '2025-02-28')).toBe(12)
  })

  it('reads a Date as its UTC day', () => {
    expect(ageOn('2013-11-27', new Date('2026-11-26T23:59:59.999Z'))).toBe(12)
    expect(ageOn('2013-11-27', new Date('2026-11-27T00:00:00.000Z'))).toBe(13)
  })

  it('agrees with the SQL cut-off for every birth date and day around the ends of February, leap years or not', () => {
    const days = (from: string, n: number) =>
      Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10))
    const births = [...days('2007-02-20', 16), ...days('2008-02-20', 16), ...days('2011-02-20', 16), ...days('2012-02-20', 16)]
    for (const day of [...days('2025-02-25', 8), ...days('2026-02-25', 8), ...days('2028-02-25', 8)]) {
      for (const years of [13, 18]) {
        const cut = latestBirthDateForAge(day, years)
        for (const b of births) expect([b, day, years, ageOn(b, day) >= years]).toEqual([b, day, years, b <= cut])
      }
    }
    expect(latestBirthDateForAge('2024-02-29', 13)).toBe('2011-02-28')
    expect(latestBirthDateForAge('2024-02-29', 4)).toBe('2020-02-29')
    expect(latestBirthDateForAge('2025-03-01', 13)).toBe('2012-03-01')
  })
})

describe('checkAgeCompliance', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  const NOW = new Date('2026-11-27T12:00:00Z')
  const ctxAt = (now: Date) => ({ staff: null, ip: null, now, config: { auditKey: TEST_AUDIT_KEY } })
  const openFlags = (kind: string) =>
    t.db
      .selectFrom('flags')
      .select(['id', 'customer_id'])
      .where('kind', '=', kind as 'underage_account')
      .where('resolved_at', 'is', null)
      .orderBy('customer_id')
      .execute()
  const expected = async (now: Date) => {
    const all = await t.db.selectFrom('customers').select(['id', 'birth_date', 'guardian_consent_at', 'status']).orderBy('id').execute()
    const live = all.filter((c) => c.status === 'active' && c.birth_date)
    return {
      underage: live.filter((c) => ageOn(c.birth_date!, now) < 13).map((c) => c.id),
      minor: live
        .filter((c) => ageOn(c.birth_date!, now) >= 13 && ageOn(c.birth_date!, now) < 18 && !c.guardian_consent_at)
        .map((c) => c.id),
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ customers: 2000 })
  })
  afterAll(() => t.close())

  it('flags the seeded under-13s and unconsented minors and nobody else, and no one twice', async () => {
    const want = await expected(NOW)
    expect(want.underage.length).toBeGreaterThan(0)
    expect(want.minor.length).toBeGreaterThan(0)
    const counts = await checkAgeCompliance(t.db, ctxAt(NOW))
    expect(counts).toEqual({ underage_account_raised: want.underage.length, minor_without_consent_raised: want.minor.length, resolved: 0 })
    expect((await openFlags('underage_account')).map((f) => f.customer_id)).toEqual(want.underage)
    expect((await openFlags('minor_without_consent')).map((f) => f.customer_id)).toEqual(want.minor)
    // consented minors are not flagged
    const consented = await t.db.selectFrom('customers').select('id').where('guardian_consent_at', 'is not', null).execute()
    expect(consented.length).toBeGreaterThan(0)
    expect(want.minor).not.toEqual(expect.arrayContaining([consented[0]!.id]))
    const audited = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'flag.underage_account').execute()
    expect(audited).toHaveLength(want.underage.length)

    expect(await checkAgeCompliance(t.db, ctxAt(NOW))).toEqual({ underage_account_raised: 0, minor_without_consent_raised: 0, resolved: 0 })
    expect(await openFlags('underage_account')).toHaveLength(want.underage.length)
    expect(await openFlags('minor_without_consent')).toHaveLength(want.minor.length)
  })

  it('resolves an under-13 flag on the 13th birthday (not the day before) and flags the missing consent instead', async () => {
    const [flag] = await openFlags('underage_account')
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', flag!.customer_id).executeTakeFirstOrThrow()
    const birthday13 = new Date(`${Number(c.birth_date!.slice(0, 4)) + 13}${c.birth_date!.slice(4)}T00:00:00Z`)
    const dayBefore = new Date(birthday13.getTime() - 1)
    await checkAgeCompliance(t.db, ctxAt(dayBefore))
    expect((await openFlags('underage_account')).map((f) => f.id)).toContain(flag!.id)

    await checkAgeCompliance(t.db, ctxAt(birthday13))
    const after = await t.db.selectFrom('flags').selectAll().where('id', '=', flag!.id).executeTakeFirstOrThrow()
    expect(after.resolved_at).toBe(birthday13.toISOString())
    expect(after.resolved_by).toBeNull()
    expect(after.resolution).toMatch(/13 or older/)
    expect((await openFlags('minor_without_consent')).map((f) => f.customer_id)).toContain(c.id)
    const entry = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'flag.resolve')
      .where('entity_id', '=', String(flag!.id))
      .executeTakeFirstOrThrow()
    expect(entry.actor_id).toBeNull()
  })

  it('resolves a minor’s flag on the 18th birthday, and when consent is recorded', async () => {
    const flags = await openFlags('minor_without_consent')
    const [a, b] = flags
    const ca = await t.db.selectFrom('customers').select('birth_date').where('id', '=', a!.customer_id).executeTakeFirstOrThrow()
    // a 29 February birthday falls on 1 March in common years
    await t.db.updateTable('customers').set({ birth_date: '2008-02-29' }).where('id', '=', a!.customer_id).execute()
    await checkAgeCompliance(t.db, ctxAt(new Date('2026-02-28T23:00:00Z')))
    expect((await openFlags('minor_without_consent')).map((f) => f.id)).toContain(a!.id)
    await checkAgeCompliance(t.db, ctxAt(new Date('2026-03-01T00:00:00Z')))
    const resolvedA = await t.db.selectFrom('flags').selectAll().where('id', '=', a!.id).executeTakeFirstOrThrow()
    expect(resolvedA.resolution).toMatch(/18 or older/)
    await t.db.updateTable('customers').set({ birth_date: ca.birth_date }).where('id', '=', a!.customer_id).execute()

    await t.db
      .updateTable('customers')
      .set({ guardian_consent_at: NOW.toISOString(), guardian_name: 'A Guardian' })
      .where('id', '=', b!.customer_id)
      .execute()
    const counts = await checkAgeCompliance(t.db, ctxAt(NOW))
    expect(counts.resolved).toBeGreaterThanOrEqual(1)
    const resolvedB = await t.db.selectFrom('flags').selectAll().where('id', '=', b!.id).executeTakeFirstOrThrow()
    expect(resolvedB.resolution).toMatch(/consent/)
    expect((await openFlags('minor_without_consent')).map((f) => f.customer_id)).not.toContain(b!.customer_id)
  })

  it('locks the account once for 30 parallel calls, and the flag does not come back', async () => {
    await checkAgeCompliance(t.db, ctxAt(new Date()))
    const [flag] = await openFlags('underage_account')
    const s = await t.listen()
    const cookie = await s.login('compliance')
    const { statuses } = await inParallel(30, () => s.request('POST', `/api/flags/${flag!.id}/lock-account`, { cookie, body: {} }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    const c = await t.db.selectFrom('customers').select('status').where('id', '=', flag!.customer_id).executeTakeFirstOrThrow()
    expect(c.status).toBe('locked')
    const entries = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'flag.lock_account').execute()
    expect(entries).toHaveLength(1)
    expect(entries[0]!.customer_id).toBe(flag!.customer_id)
    await checkAgeCompliance(t.db, ctxAt(new Date()))
    expect((await openFlags('underage_account')).map((f) => f.customer_id)).not.toContain(flag!.customer_id)
  })

  it('records a guardian’s consent once for 30 parallel calls, only on a minor’s flag', async () => {
    await checkAgeCompliance(t.db, ctxAt(new Date()))
    const [flag] = await openFlags('minor_without_consent')
    const [underage] = await openFlags('underage_account')
    const s = await t.listen()
    const cookie = await s.login('compliance')
    const body = { guardianName: 'Mei Chen', consentedAt: '2026-11-20' }
    expect((await s.request('POST', `/api/flags/${underage!.id}/record-consent`, { cookie, body })).status).toBe(422)
    expect(
      (await s.request('POST', `/api/flags/${flag!.id}/record-consent`, { cookie, body: { ...body, consentedAt: '2999-01-01' } })).status,
    ).toBe(422)
    const { statuses } = await inParallel(30, () => s.request('POST', `/api/flags/${flag!.id}/record-consent`, { cookie, body }))
    expect(tally(statuses)).toEqual({ 200: 1, 409: 29 })
    const c = await t.db.selectFrom('customers').selectAll().where('id', '=', flag!.customer_id).executeTakeFirstOrThrow()
    expect(c.guardian_name).toBe('Mei Chen')
    expect(c.guardian_consent_at).toBe('2026-11-20T00:00:00.000Z')
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'flag.record_consent').execute()).toHaveLength(1)
    const agent = await s.login('agent')
    expect((await s.request('POST', `/api/flags/${flag!.id}/lock-account`, { cookie: agent, body: {} })).status).toBe(403)
    expect((await s.request('POST', `/api/flags/${underage!.id}/lock-account`, { cookie: agent, body: {} })).status).toBe(403)
  })
})
