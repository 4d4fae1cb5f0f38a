import { serve } from '@hono/node-server'
import { Hono } from 'hono'

/**
 * The bench's first baseline: a bare Hono hello-world on @hono/node-server, the framework and server Verity runs on with
 * nothing behind them, in its own process. What the machine and the load generator allow one Node process to answer.
 */
const app = new Hono().get('/', (c) => c.text('Hello, world'))
serve({ fetch: app.fetch, port: Number(process.env.PORT) }, (info) => console.log(`hello-world listening on ${info.port}`))
process.on('SIGTERM', () => process.exit(0))
