import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import type { App } from '@verity/api'

export interface SearchSample {
  kind: string
  queries: string[]
}

/** Real identifiers of customers spread over the whole table, typed the ways agents type them. */
export async function searchSamples(db: Kysely<Database>, count: number): Promise<SearchSample[]> {
  const { max } = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirstOrThrow()
  const ids = Array.from({ length: count }, (_, i) => 1 + Math.floor(((i + 0.5) / count) * Number(max)))
  const rows = await db.selectFrom('customers').selectAll().where('id', 'in', ids).execute()
  const orders = await db.selectFrom('orders').select(['customer_id', 'number']).where('customer_id', 'in', ids).execute()
  const han = rows.filter((r) => /\p{Script=Han}/u.test(r.last_name ?? ''))
  const pinyin = rows.filter((r) => r.country === 'CN' && !/\p{Script=Han}/u.test(r.last_name ?? ''))
  return [
    { kind: 'customer id', queries: rows.map((r) => String(r.id)) },
    { kind: 'email', queries: rows.map((r) => r.email!.toUpperCase()) },
    { kind: 'order number', queries: orders.map((o) => o.number.toLowerCase()) },
    { kind: 'phone, international', queries: rows.map((r) => r.phone!) },
    { kind: 'phone, national digits', queries: rows.map((r) => r.phone!.replace(/^\+\d+ /, '').replace(/\D/g, '')) },
    { kind: 'name, pinyin', queries: pinyin.map((r) => `${r.last_name} ${r.first_name}`) },
    { kind: 'name, characters', queries: han.map((r) => `${r.last_name}${r.first_name}`) },
    { kind: 'name, other', queries: rows.filter((r) => r.country !== 'CN').map((r) => `${r.first_name} ${r.last_name}`) },
  ]
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

/** Times each search through the whole HTTP stack (session, validation, query, count, audit entry). */
export async function timeSearches(app: App, cookie: string, samples: SearchSample[]) {
  const results = []
  for (const { kind, queries } of samples) {
    const times: number[] = []
    let found = 0
    for (const q of queries) {
      const url = `http://localhost/api/customers?filter=${encodeURIComponent(JSON.stringify({ q }))}&range=${encodeURIComponent('[0,9]')}`
      const started = performance.now()
      const res = await app.request(url, { headers: { Cookie: cookie } })
      const body = (await res.json()) as unknown[]
      times.push(performance.now() - started)
      if (res.status !== 200) throw new Error(`${kind} search "${q}" answered ${res.status}`)
      if (body.length > 0) found++
    }
    times.sort((a, b) => a - b)
    results.push({
      kind,
      n: queries.length,
      found,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      max: times[times.length - 1]!,
    })
  }
  return results
}
