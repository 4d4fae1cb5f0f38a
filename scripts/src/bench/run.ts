import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { createApp, refreshSummaries, seedStaff } from '@verity/api'
import { migrateToLatest, openDatabase, seedCustomers } from '@verity/db'
import { ensureConsoleBuilt, ROOT } from '../build-console.js'
import { timeReports, topUpOrders } from './reports.bench.js'
import { searchSamples, timeSearches } from './search.bench.js'

/**
 * `npm run bench`: Verity at realistic scale. Seeds BENCH_CUSTOMERS (default 1,000,000) customers into
 * BENCH_DATABASE_URL once (kept for the next run), then measures in one run, so that ratios hold on a noisy machine.
 */
const target = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000)
const url = process.env.BENCH_DATABASE_URL ?? path.join(ROOT, 'data/bench.sqlite')
const PASSWORD = 'Bench-password-2026'
const handle = openDatabase(url)
await migrateToLatest(handle.db)

const { n } = await handle.db
  .selectFrom('customers')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow()
if (Number(n) < target) {
  console.log(`Seeding ${(target - Number(n)).toLocaleString('en')} customers into ${url} (kept for later runs)…`)
  const done = await seedCustomers(handle.db, handle.dialect, {
    count: target - Number(n),
    firstId: Number(n) + 1,
    onProgress: ({ done, total, elapsedMs }) =>
      process.stdout.write(`\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} in ${(elapsedMs / 1000).toFixed(0)} s`),
  })
  console.log(
    `\nSeeded in ${(done.elapsedMs / 1000).toFixed(1)} s (${Math.round(done.done / (done.elapsedMs / 1000)).toLocaleString('en')} customers/s).`,
  )
}
const auditKey = randomBytes(32)
await seedStaff(handle.db, auditKey, PASSWORD)
// The bench times searches, not the per-agent search rate that would stop one agent searching this fast.
const unlimited = { value: '1000000000', updated_at: new Date().toISOString(), updated_by: null }
for (const key of ['searches_per_minute', 'searches_per_hour'])
  await handle.db
    .insertInto('settings')
    .values({ key, ...unlimited })
    .onConflict((oc) => oc.column('key').doUpdateSet(unlimited))
    .execute()
const { app } = createApp(handle.db, { auditKey })
const login = await app.request('http://localhost/api/auth/login', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
  body: JSON.stringify({ email: 'agent@example.com', password: PASSWORD }),
})
if (login.status !== 200)
  throw new Error(`bench sign-in answered ${login.status}: was the bench database seeded with another staff password?`)
const cookie = login.headers.get('set-cookie')!.split(';')[0]!

const total = Number(
  (
    await handle.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n,
)
console.log(`\nCustomer search at ${total.toLocaleString('en')} customers (${handle.dialect}), through the whole API, one run:`)
const samples = await searchSamples(handle.db, 200)
await timeSearches(
  app,
  cookie,
  samples.map((s) => ({ ...s, queries: s.queries.slice(0, 20) })),
) // warm-up
const results = await timeSearches(app, cookie, samples)
const baseline = results[0]!.p50
console.log('| search | n | found | p50 ms | p95 ms | max ms | p50 ÷ id lookup |')
console.log('|---|---|---|---|---|---|---|')
for (const r of results) {
  console.log(
    `| ${r.kind} | ${r.n} | ${r.found} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.max.toFixed(2)} | ${(r.p50 / baseline).toFixed(2)} |`,
  )
}

// Reports at the same scale, with three orders a customer (BENCH_ORDERS).
const orders = await topUpOrders(handle.db, Number(process.env.BENCH_ORDERS ?? 3 * total))
const [counted] = await (async () => {
  const started = performance.now()
  await refreshSummaries(handle.db, { now: new Date(), config: { auditKey } })
  return [performance.now() - started]
})()
console.log(
  `\nReports at ${total.toLocaleString('en')} customers and ${orders.toLocaleString('en')} orders (${handle.dialect}); ` +
    `summaries brought up to date in ${(counted / 1000).toFixed(1)} s (a full count when the audit key is new to them):`,
)
const manager = await app.request('http://localhost/api/auth/login', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
  body: JSON.stringify({ email: 'manager@example.com', password: PASSWORD }),
})
const managerCookie = manager.headers.get('set-cookie')!.split(';')[0]!
console.log('| report | cold ms | warm p50 ms | warm max ms | base GROUP BY ms | base ÷ warm |')
console.log('|---|---|---|---|---|---|')
for (const r of await timeReports(app, handle.db, managerCookie, new Date().toISOString().slice(0, 10))) {
  const base = r.base === null ? '–' : r.base.toFixed(0)
  const ratio = r.base === null ? '–' : `${(r.base / r.warm).toFixed(0)}×`
  console.log(`| ${r.name} | ${r.cold.toFixed(1)} | ${r.warm.toFixed(2)} | ${r.warmMax.toFixed(2)} | ${base} | ${ratio} |`)
}

ensureConsoleBuilt()
const dist = path.join(ROOT, 'admin-ui/dist')
const firstLoad = [...fs.readFileSync(path.join(dist, 'index.html'), 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
  (m) => m[1]!,
)
const gz = (f: string) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length
const firstBytes = firstLoad.reduce((s, f) => s + gz(f), 0)
const allBytes = fs
  .readdirSync(path.join(dist, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f))
  .reduce((s, f) => s + gz(`assets/${f}`), 0)
console.log(
  `\nConsole: first load ${(firstBytes / 1024).toFixed(0)} KiB gzip in ${firstLoad.length} files; whole console ${(allBytes / 1024).toFixed(0)} KiB gzip (first load = ${((100 * firstBytes) / allBytes).toFixed(0)} %).`,
)
await handle.close()
