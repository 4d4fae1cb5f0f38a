import { parseArgs } from 'node:util'
import { DEFAULT_DATABASE_URL, migrateToLatest, openDatabase, seedCustomers } from '@verity/db'
import { progressLine } from './progress.js'

/** `npm run seed -- --customers N [--seed S] [--batch B]`: adds N customers after the ones already there. */
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '42' },
    // the seed's own default suits each database (200 customers a batch on SQLite, 2,000 on PostgreSQL)
    batch: { type: 'string' },
  },
})
const count = Number(values.customers)
if (!Number.isInteger(count) || count < 1) throw new Error('--customers must be a positive whole number')
const batchSize = values.batch === undefined ? undefined : Number(values.batch)
if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw new Error('--batch must be a positive whole number')
const handle = openDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
await migrateToLatest(handle.db)
const last = await handle.db
  .selectFrom('customers')
  .select((eb) => eb.fn.max('id').as('id'))
  .executeTakeFirst()
const firstId = Number(last?.id ?? 0) + 1
const started = Date.now()
const line = progressLine()
const done = await seedCustomers(handle, {
  count,
  seed: Number(values.seed),
  batchSize,
  firstId,
  onProgress: ({ done, total, elapsedMs }) => {
    const rate = done / (elapsedMs / 1000)
    line.show(
      done,
      total,
      `${done.toLocaleString('en')} / ${total.toLocaleString('en')} customers · ${Math.round(rate).toLocaleString('en')}/s · ETA ${Math.round((total - done) / rate)} s   `,
    )
  },
})
line.end(
  `Seeded ${done.done.toLocaleString('en')} customers (ids ${firstId}–${firstId + count - 1}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
)
await handle.close()
