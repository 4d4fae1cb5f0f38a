import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../dialect.js'
import { migrateToLatest } from '../migrate.js'
import { createTestDatabase } from '../testing.js'
import { generateCustomer, iso, SEED_EPOCH } from './generate.js'
import { Random } from './random.js'
import { seedCustomers } from './seed-customers.js'

describe('the seed generator', () => {
  it('makes the same customer from the same seed, and another from another seed', () => {
    expect(generateCustomer(42, 1234)).toEqual(generateCustomer(42, 1234))
    expect(generateCustomer(42, 1234)).not.toEqual(generateCustomer(43, 1234))
  })

  it('makes the same customers as ever: a change that makes it quicker must not change what it makes', () => {
    const digest = createHash('sha256')
    for (let id = 1; id <= 2_000; id++) digest.update(JSON.stringify(generateCustomer(42, id)))
    expect(digest.digest('hex')).toBe('4f8ca637624cbc33400f77aa2d94704f655c9022be68dd3051226b3989b19dfa')
  })

  it('writes instants as Date#toISOString does, across leap days, centuries and the ends of years', () => {
    const r = new Random(1)
    const instants = [
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      0,
      -1,
      ...Array.from({ length: 20_000 }, () => Math.floor((r.next() - 0.5) * 2 * 8e12)),
    ]
    for (const ms of instants) expect([ms, iso(ms)]).toEqual([ms, new Date(ms).toISOString()])
  })

  it('makes the same database twice', async () => {
    const a = await createTestDatabase({ customers: 150 })
    const b = await createTestDatabase({ customers: 150 })
    for (const table of ['customers', 'addresses', 'payment_methods', 'orders', 'access_logs', 'customer_credentials'] as const) {
      const rowsA = await a.db.selectFrom(table).selectAll().execute()
      const rowsB = await b.db.selectFrom(table).selectAll().execute()
      expect(rowsA.length).toBeGreaterThan(0)
      expect(rowsA).toEqual(rowsB)
    }
    await Promise.all([a.close(), b.close()])
  })

  it('loads SQLite in bulk, then gives the database back as it was, journal, keys, cache and sorter threads, even when it fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-seed-'))
    const h = openDatabase(path.join(dir, 'db.sqlite'))
    try {
      await migrateToLatest(h.db)
      const pragmas = () => ({
        journal: h.sqlite!.pragma('journal_mode', { simple: true }),
        keys: h.sqlite!.pragma('foreign_keys', { simple: true }),
        cache: h.sqlite!.pragma('cache_size', { simple: true }),
        threads: h.sqlite!.pragma('threads', { simple: true }),
      })
      const before = pragmas()
      expect(before).toMatchObject({ journal: 'wal', keys: 1 })
      await seedCustomers(h, { count: 30 })
      expect(pragmas()).toEqual(before)
      // the same ids again: the seed fails whole, and still hands the database back as it was
      await expect(seedCustomers(h, { count: 30, firstId: 21 })).rejects.toThrow()
      expect(pragmas()).toEqual(before)
      expect(
        await h.db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ).toEqual({ n: 30 })
    } finally {
      await h.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('leaves PostgreSQL statistics on what it loaded, so that its planner finds an email by its index at once', async () => {
    const h = await createTestDatabase({ customers: 50, dialect: 'postgres' })
    try {
      const analysed = await sql<{ relname: string }>`select relname from pg_stat_user_tables
        where schemaname = current_schema() and last_analyze is not null order by relname`.execute(h.db)
      expect(analysed.rows.map((r) => r.relname)).toEqual(expect.arrayContaining(['customers', 'orders', 'addresses']))
    } finally {
      await h.close()
    }
  })

  it('makes realistic buyers across ages, places and the children the policy does not allow', () => {
    const people = Array.from({ length: 4000 }, (_, i) => generateCustomer(42, i + 1))
    const age = (b: string) => (SEED_EPOCH - Date.parse(b)) / (365.25 * 86_400_000)
    const withBirth = people.filter((p) => p.customer.birth_date)
    const under13 = withBirth.filter((p) => age(p.customer.birth_date!) < 13)
    const teens = withBirth.filter((p) => age(p.customer.birth_date!) >= 13 && age(p.customer.birth_date!) < 18)
    expect(under13.length).toBeGreaterThan(5)
    expect(teens.some((p) => p.customer.guardian_consent_at)).toBe(true)
    expect(teens.some((p) => !p.customer.guardian_consent_at)).toBe(true)
    expect(withBirth.some((p) => age(p.customer.birth_date!) > 70)).toBe(true)
    const countries = new Set(people.map((p) => p.customer.country))
    expect(countries.has('CN')).toBe(true)
    expect(countries.size).toBeGreaterThan(10)
    expect(people.filter((p) => p.customer.country === 'CN').length / people.length).toBeGreaterThan(0.5)
    expect(people.some((p) => /\p{Script=Han}/u.test(p.customer.last_name ?? ''))).toBe(true)
    expect(new Set(people.map((p) => p.customer.email)).size).toBe(people.length)
    for (const p of people.slice(0, 200)) {
      expect(p.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
      for (const card of p.paymentMethods) expect(card.last4).toMatch(/^\d{4}$/)
    }
  })
})
