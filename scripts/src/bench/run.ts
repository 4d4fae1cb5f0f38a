import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { readAuditCheckpoints, verifyAuditChain } from '@verity/api'
import { isPostgresUrl, openDatabase } from '@verity/db'
import type autocannon from 'autocannon'
import { ROOT } from '../build-console.js'
import { BENCH_PASSWORD, benchStaff, prepareBenchDatabase, topUpAudit } from './database.bench.js'
import { load, type LoadResult, rotation } from './load.bench.js'
import { timeReports } from './reports.bench.js'
import { consoleDownload, type Metric, printMetrics, writeResults } from './results.bench.js'
import { type Caller, callers, customersPath, rawSearchRate, searchSamples, searchStatements, timeSearches } from './search.bench.js'
import { startServer } from './servers.js'

/**
 * `npm run bench [-- --customers N --duration S --connections C --name Q]`: Verity against the machine's own limits, in one
 * run on one machine so that the ratios hold. Builds (or reuses) a database of N customers (default 1,000,000) and 3 orders
 * each with the seed generator; then measures two baselines, a bare Hono hello-world server in its own process and the
 * name search's SQL straight through the database's driver, and Verity started as in production, driven over loopback by
 * autocannon with C connections (default 32) for S seconds a figure (default 5): sign-in, lookups by email, phone and
 * order number, a name search, the customer list, verifications, the reports, the audit chain check, the seed and the
 * console's first download. Prints the figures against issue 12's targets and writes `.bench/results.json`. With
 * BENCH_DATABASE_URL=postgres://… (a database of its own, which it builds and keeps) the same runs on PostgreSQL and writes
 * `.bench/results-postgres.json` (README, "Benchmark").
 */
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: process.env.BENCH_CUSTOMERS ?? '1000000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    name: { type: 'string', default: 'wang' },
  },
})
const positive = (flag: string, v: string) => {
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number`)
  return n
}
const customers = Math.round(positive('customers', values.customers))
const seconds = positive('duration', values.duration)
const connections = Math.round(positive('connections', values.connections))
const orders = Number(process.env.BENCH_ORDERS ?? 3 * customers)
const url =
  process.env.BENCH_DATABASE_URL ?? path.join(ROOT, customers === 1_000_000 ? 'data/bench.sqlite' : `data/bench-${customers}.sqlite`)
const postgres = isPostgresUrl(url)
const driver = postgres ? 'node-postgres' : 'better-sqlite3'
/** a short run of the same load before each measured one, so that neither the JIT nor a cold page cache is measured */
const warmUp = Math.min(1, seconds / 5)

const bench = await prepareBenchDatabase(url, customers, orders)
const agents = await benchStaff(url, 'agent', connections)
const officers = await benchStaff(url, 'compliance', connections)
const auditEntries = await topUpAudit(bench, bench.customers)

const handle = openDatabase(url)
const lookups = await searchSamples(handle.db, 1_000)
const queries = (kind: string) => lookups.find((s) => s.kind === kind)!.queries
const perKind = await searchSamples(handle.db, 200)
const verifying = await callers(handle.db, Math.min(2_000, bench.customers))

const metrics: Record<string, Metric> = {}
const problems: string[] = []
const put = (name: string, value: number, unit: string) => (metrics[name] = { value, unit })
/** Non-2xx answers, connection errors and a load that got no answer at all are reported, never hidden. */
function check(what: string, r: LoadResult) {
  if (!r.ok) problems.push(`${what}: no 2xx answer in ${r.seconds} s, so its latencies are not measured`)
  if (Object.keys(r.refused).length || r.errors) {
    problems.push(`${what}: ${r.ok} answered 2xx, then ${JSON.stringify(r.refused)} and ${r.errors} connection errors`)
  }
}
/** A measured load, after a warm-up. */
async function measure(what: string, options: Omit<Parameters<typeof load>[0], 'seconds'>): Promise<LoadResult> {
  await load({ ...options, seconds: warmUp })
  const r = await load({ ...options, seconds })
  check(what, r)
  console.log(`  ${what}: ${Math.round(r.rps).toLocaleString('en')}/s, p50 ${r.p50} ms, p99 ${r.p99} ms`)
  return r
}

console.log(
  `\nBench at ${bench.customers.toLocaleString('en')} customers, ${bench.orders.toLocaleString('en')} orders, ` +
    `${auditEntries.toLocaleString('en')} audit entries (${url}); ${connections} connections, ${seconds} s a figure.`,
)

// Baseline: the name search's own SQL, straight through the database's driver.
const statements = await searchStatements(bench, 'agent@example.com', BENCH_PASSWORD, values.name)
await rawSearchRate(url, statements, warmUp)
const raw = await rawSearchRate(url, statements, seconds)
console.log(`  name search "${values.name}", its ${statements.length} statements through ${driver}: ${Math.round(raw)}/s`)

// Baseline: a bare Hono hello-world in its own process.
const hello = await startServer('scripts/src/bench/hello.server.ts', 'listening', {})
const helloRun = await measure('hello world', { url: hello.url, connections, requests: () => [{ method: 'GET', path: '/' }] }).finally(() =>
  hello.stop(),
)
put('hello_rps', helloRun.rps, 'req/s')

// Verity as in production, on the bench database: one process first (WORKERS=1), then a worker per core.
const verityEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: url,
  AUDIT_KEY: undefined,
  AUDIT_KEY_FILE: bench.keyFile,
  AUDIT_CHECKPOINT_FILE: bench.checkpointFile,
  SEED_CUSTOMERS: '0',
  SEED_STAFF_PASSWORD: BENCH_PASSWORD,
  MFA_REQUIRED_ROLES: '',
  RETENTION_INTERVAL_HOURS: '0',
  SMTP_URL: undefined,
}
/** Signs in at a server and answers the session cookie. */
async function signInAt(base: string, email: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  })
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}: ${await res.text()}`)
  return res.headers.get('set-cookie')!.split(';')[0]!
}
/** each connection an agent of its own (one cookie each), searching for the next of `qs` */
function searching(qs: string[], cookies: string[]) {
  const next = rotation(qs)
  return (i: number): autocannon.Request[] => [
    { method: 'GET', headers: { cookie: cookies[i]! }, setupRequest: (req) => ({ ...req, path: customersPath({ q: next() }) }) },
  ]
}
const verity = await startServer('api/src/server.ts', 'Verity is running', { ...verityEnv, WORKERS: '1' })
try {
  const json = { 'Content-Type': 'application/json', Origin: verity.url }
  const signIn = (email: string) => signInAt(verity.url, email)
  const get = (cookie: string) => (p: string) => fetch(`${verity.url}${p}`, { headers: { cookie } })
  const agentCookies: string[] = []
  for (const email of agents) agentCookies.push(await signIn(email))
  const officerCookies: string[] = []
  for (const email of officers) officerCookies.push(await signIn(email))

  console.log('\nVerity (one process), driven by autocannon:')
  for (const [kind, name] of [
    ['email', 'email'],
    ['phone, international', 'phone'],
    ['order number', 'order'],
  ] as const) {
    const r = await measure(`lookup by ${kind}`, { url: verity.url, connections, requests: searching(queries(kind), agentCookies) })
    put(`lookup_${name}_rps`, r.rps, 'req/s')
    put(`lookup_${name}_p99_ms`, r.p99, 'ms')
    put(`lookup_${name}_ratio`, r.rps / helloRun.rps, 'of hello_rps')
  }
  const names = await measure(`name search "${values.name}"`, {
    url: verity.url,
    connections,
    requests: searching([values.name], agentCookies),
  })
  put('search_name_rps', names.rps, 'req/s')
  put('search_name_p99_ms', names.p99, 'ms')
  put('search_name_raw_ops', raw, 'searches/s')
  put('search_name_ratio', names.rps / raw, 'of search_name_raw_ops')

  // The customer list as compliance pages through it (agents may only search): ten pages of 25, masked, counted, audited.
  const pages = rotation(Array.from({ length: 10 }, (_, p) => customersPath({}, [25 * p, 25 * p + 24])))
  const list = await measure('customer list page', {
    url: verity.url,
    connections,
    requests: (i) => [{ method: 'GET', headers: { cookie: officerCookies[i]! }, setupRequest: (req) => ({ ...req, path: pages() }) }],
  })
  put('customer_list_rps', list.rps, 'req/s')
  put('customer_list_p99_ms', list.p99, 'ms')

  // A verification opened and answered right: each agent verifies callers of its own, one after another.
  const outcomes: Record<string, number> = {}
  const verifications = (i: number): autocannon.Request[] => {
    const mine = verifying.filter((_, n) => n % connections === i)
    const next = rotation(mine.length ? mine : verifying)
    type Opened = { caller: Caller; id?: number; questions?: { id: number; field: string }[] }
    return [
      {
        method: 'POST',
        path: '/api/verifications',
        headers: { ...json, cookie: agentCookies[i]! },
        setupRequest: (req, context) => {
          const caller = next()
          ;(context as Opened).caller = caller
          return { ...req, body: JSON.stringify({ customerId: caller.customerId, channel: 'phone' }) }
        },
        onResponse: (status, body, context) => {
          if (status === 201) Object.assign(context, JSON.parse(body) as Opened)
          else outcomes[`start ${status}`] = (outcomes[`start ${status}`] ?? 0) + 1
        },
      },
      {
        method: 'POST',
        headers: { ...json, cookie: agentCookies[i]! },
        setupRequest: (req, context) => {
          const { caller, id, questions } = context as Opened
          if (!id || !questions) return null as unknown as autocannon.Request // not opened: start the next one
          const answers = questions.map((q) => ({ questionId: q.id, value: caller.answers[q.field] ?? '' }))
          return { ...req, path: `/api/verifications/${id}/answers`, body: JSON.stringify({ answers }) }
        },
        onResponse: (status, body) => {
          const key = status === 200 ? (JSON.parse(body) as { status: string }).status : `answers ${status}`
          outcomes[key] = (outcomes[key] ?? 0) + 1
        },
      },
    ]
  }
  await load({ url: verity.url, connections, seconds: warmUp, requests: verifications })
  for (const k of Object.keys(outcomes)) delete outcomes[k]
  const verified = await load({ url: verity.url, connections, seconds, requests: verifications })
  check('verification', verified)
  put('verification_rps', (outcomes.verified ?? 0) / verified.seconds, 'verifications/s')
  console.log(
    `  verification (open, then answer): ${Math.round(metrics.verification_rps!.value)}/s verified, p99 ${verified.p99} ms a request; ${JSON.stringify(outcomes)}`,
  )
  if (Object.keys(outcomes).some((k) => k !== 'verified')) problems.push(`verification outcomes: ${JSON.stringify(outcomes)}`)

  // Sign-in (argon2id), with an agent looking callers up one at a time alongside: does sign-in starve them? Every
  // connection signs in from 127.0.0.1, whose attempts in flight count against the address until they pass: past 50
  // connections the address's spacing (429) would be measured, not sign-in.
  const accounts = rotation(agents)
  const signingIn = {
    url: verity.url,
    connections,
    requests: (): autocannon.Request[] => [
      {
        method: 'POST',
        path: '/api/auth/login',
        headers: json,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: accounts(), password: BENCH_PASSWORD }) }),
      },
    ],
  }
  await load({ ...signingIn, seconds: warmUp })
  // The warm-up's sign-ins still being checked when it stops count against the address until they finish: let them.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  const beside: number[] = []
  const lookingUp = async (until: number) => {
    const next = rotation(queries('email'))
    while (performance.now() < until) {
      const started = performance.now()
      await (await get(agentCookies[0]!)(customersPath({ q: next() }))).text()
      beside.push(performance.now() - started)
    }
  }
  const [login] = await Promise.all([load({ ...signingIn, seconds }), lookingUp(performance.now() + seconds * 1000)])
  beside.sort((a, b) => a - b)
  put('login_rps', login.rps, 'req/s')
  put('login_p99_ms', login.p99, 'ms')
  put('login_lookup_p99_ms', beside[Math.min(beside.length - 1, Math.floor(0.99 * beside.length))]!, 'ms')
  console.log(
    `  sign-in: ${Math.round(login.rps)}/s, p99 ${login.p99} ms; beside it, ${beside.length} email lookups one at a time, ` +
      `p50 ${beside[Math.floor(beside.length / 2)]!.toFixed(0)} ms, max ${beside.at(-1)!.toFixed(0)} ms`,
  )
  check('sign-in', login)

  // Today's per-kind table: each kind of search one at a time, through the production server.
  console.log(`\nCustomer search at ${bench.customers.toLocaleString('en')} customers, one request at a time:`)
  await timeSearches(
    get(agentCookies[0]!),
    perKind.map((s) => ({ ...s, queries: s.queries.slice(0, 20) })),
  ) // warm-up
  const results = await timeSearches(get(agentCookies[0]!), perKind)
  const baseline = results[0]!.p50
  console.log('| search | n | found | p50 ms | p95 ms | max ms | p50 ÷ id lookup |')
  console.log('|---|---|---|---|---|---|---|')
  for (const r of results) {
    console.log(
      `| ${r.kind} | ${r.n} | ${r.found} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.max.toFixed(2)} | ${(r.p50 / baseline).toFixed(2)} |`,
    )
  }

  console.log(`\nReports at ${bench.customers.toLocaleString('en')} customers and ${bench.orders.toLocaleString('en')} orders:`)
  const reports = await timeReports(get(await signIn('manager@example.com')), handle.db, new Date().toISOString().slice(0, 10))
  console.log('| report | cold ms | warm p50 ms | warm max ms | base GROUP BY ms | base ÷ warm |')
  console.log('|---|---|---|---|---|---|')
  for (const r of reports) {
    const base = r.base === null ? '–' : r.base.toFixed(0)
    const ratio = r.base === null ? '–' : `${(r.base / r.warm).toFixed(0)}×`
    console.log(`| ${r.name} | ${r.cold.toFixed(1)} | ${r.warm.toFixed(2)} | ${r.warmMax.toFixed(2)} | ${base} | ${ratio} |`)
  }
  const report = (p: string) => reports.find((r) => r.path === p)!
  const demographics = report('/api/reports/demographics?by=age_band,country')
  put('report_demographics_ms', demographics.warm, 'ms')
  put('report_revenue_ms', report('/api/reports/commerce?by=month&from=2025-01-01&to=2025-12-31').warm, 'ms')
  put('report_base_groupby_ms', demographics.base!, 'ms')
  put('report_speedup', demographics.base! / demographics.warm, '×')
  put('report_slowest_warm_ms', Math.max(...reports.map((r) => r.warm)), 'ms')
  put('report_least_speedup', Math.min(...reports.flatMap((r) => (r.base === null ? [] : [r.base / r.warm]))), '×')
} finally {
  await verity.stop()
}

// The same lookups with a worker process per core sharing the port and the database file.
const cores = os.availableParallelism()
const verityAll = await startServer('api/src/server.ts', 'Verity is running', { ...verityEnv, WORKERS: '0' })
try {
  const cookies: string[] = []
  for (const email of agents) cookies.push(await signInAt(verityAll.url, email))
  console.log(`\nVerity (${cores} worker processes), driven by autocannon:`)
  const lookingUp = { url: verityAll.url, connections, requests: searching(queries('email'), cookies) }
  // Fresh processes, unlike the one-process server the figures above have warmed: a run as long as the measured one
  // first, so that each worker's JIT and cache are as warm (after a 1 s warm-up they answered at about half that rate).
  await load({ ...lookingUp, seconds })
  const r = await measure('lookup by email', lookingUp)
  put('lookup_email_rps_all_workers', r.rps, 'req/s')
  put('lookup_email_p99_ms_all_workers', r.p99, 'ms')
} finally {
  await verityAll.stop()
}

// The audit chain check, as `npm run audit:verify` runs it, over the log the run leaves (the server's last checkpoint included).
const { checkpoints } = await readAuditCheckpoints(bench.checkpointFile)
const verifyStarted = performance.now()
const chain = await verifyAuditChain(handle.db, bench.auditKey, { checkpoints })
put('audit_verify_s', (performance.now() - verifyStarted) / 1000, 's')
put('audit_entries', chain.checked, 'entries')
if (!chain.ok) problems.push(chain.message)
await handle.close()

put('seed_s', bench.seedSeconds, 's')
const ui = consoleDownload()
put('ui_first_load_gzip_kb', ui.firstBytes / 1000, 'kB')
put('ui_dashboard_load_gzip_kb', ui.dashboardBytes / 1000, 'kB')
console.log(
  `\nConsole: first load (the sign-in page) ${(ui.firstBytes / 1000).toFixed(0)} kB gzip in ${ui.files} files; an agent's ` +
    `dashboard once signed in ${(ui.dashboardBytes / 1000).toFixed(0)} kB in ${ui.dashboardFiles}; whole console ${(ui.allBytes / 1000).toFixed(0)} kB gzip.`,
)

console.log(
  `\nFigures (Verity in one process${bench.seeded ? '' : `; seed time as recorded when the database was built, ${bench.seededAt}`}):`,
)
printMetrics(metrics, bench.customers)
for (const p of problems) console.log(`! ${p}`)
const file = writeResults(
  metrics,
  {
    run: {
      at: new Date().toISOString(),
      database: postgres ? 'postgresql' : 'sqlite',
      customers: bench.customers,
      orders: bench.orders,
      connections,
      seconds,
      workers: { one: 1, all: cores },
      problems,
    },
  },
  postgres ? 'results-postgres.json' : 'results.json',
)
console.log(`\nWritten to ${path.relative(ROOT, file)}.`)
