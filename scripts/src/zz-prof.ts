import path from 'node:path'
import { ROOT } from './build-console.js'
import { BENCH_PASSWORD, benchStaff } from './bench/database.bench.js'
import { load, rotation } from './bench/load.bench.js'
import { customersPath } from './bench/search.bench.js'
import { startServer } from './bench/servers.js'

const url = path.join(ROOT, 'data/bench.sqlite')
const agents = await benchStaff(url, 'agent', 32)
const server = await startServer('scripts/src/zz-serve.ts', 'Verity is running', {
  PROF: '/tmp/prof3', PROF_DELAY: '6000',
  NODE_ENV: 'production', DATABASE_URL: url, AUDIT_KEY: undefined, AUDIT_KEY_FILE: path.join(ROOT, 'data/bench.audit.key'),
  AUDIT_CHECKPOINT_FILE: path.join(ROOT, 'data/bench.sqlite.audit-checkpoints.jsonl'), SEED_CUSTOMERS: '0', SEED_STAFF_PASSWORD: BENCH_PASSWORD,
  MFA_REQUIRED_ROLES: '', RETENTION_INTERVAL_HOURS: '0', SMTP_URL: undefined, WORKERS: '1',
})
const cookies: string[] = []
for (const email of agents) {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.url }, body: JSON.stringify({ email, password: BENCH_PASSWORD }) })
  cookies.push(res.headers.get('set-cookie')!.split(';')[0]!)
}
const next = rotation(['wang'])
const req = (i: number) => [{ method: 'GET' as const, headers: { cookie: cookies[i]! }, setupRequest: (r: any) => ({ ...r, path: customersPath({ q: next() }) }) }]
for (const s of [3, 8]) {
  const r = await load({ url: server.url, connections: 32, seconds: s, requests: req })
  console.log(s, Math.round(r.rps), r.p50, r.p99, r.refused)
}
await server.stop()
