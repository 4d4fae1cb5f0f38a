import path from 'node:path'
import { serve } from '@hono/node-server'
import { createApp } from './app.js'
import { prepareDatabase } from './bootstrap.js'
import { loadEnv } from './env.js'
import { recordingTransport, smtpTransport } from './modules/outbox/outbox.transport.js'

/** Runs Verity: migrates and seeds as needed, then serves the API and the built console on one port. */
export async function main() {
  const env = loadEnv()
  const handle = await prepareDatabase(env)
  const { app } = createApp(handle.db, {
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    session: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 },
    uiDir: path.resolve(import.meta.dirname, '../../admin-ui/dist'),
    transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.MAIL_FROM) : recordingTransport,
    resetUrl: env.STORE_RESET_URL,
  })
  const server = serve({ fetch: app.fetch, port: env.PORT }, () => {
    console.log(`\nVerity is running at http://localhost:${env.PORT}`)
    console.log('Sign in as agent@, compliance@, manager@ or admin@example.com with the staff password.')
    console.log(`API reference: http://localhost:${env.PORT}/api/docs\n`)
  })
  const stop = () => {
    server.close()
    void handle.close().finally(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
