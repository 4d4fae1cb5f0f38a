import fs from 'node:fs'
import path from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Database } from '@verity/db'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import type { Kysely } from 'kysely'
import type { AppConfig, AppEnv } from './platform/context.js'
import { AppError, handleError, notFound } from './platform/errors.js'
import { corsForAllowedOrigins, noStore, requireAllowedOrigin, securityHeaders } from './platform/security.js'
import { requestContext, sessionMiddleware } from './platform/session.js'
import { auditRoutes } from './modules/audit/audit.routes.js'
import { authRoutes } from './modules/auth/auth.routes.js'
import { staffSessionRoutes } from './modules/auth/sessions.routes.js'
import { customersRoutes } from './modules/customers/customers.routes.js'
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.js'
import { disclosuresRoutes } from './modules/disclosures/disclosures.routes.js'
import { flagsRoutes } from './modules/flags/flags.routes.js'
import { outboxRoutes } from './modules/outbox/outbox.routes.js'
import { recordingTransport } from './modules/outbox/outbox.transport.js'
import { metaRoutes } from './modules/meta/meta.routes.js'
import { commerceRoutes } from './modules/reports/commerce.routes.js'
import { partnerExportRoutes } from './modules/reports/partner-export.routes.js'
import { grantsRoutes } from './modules/grants/grants.routes.js'
import { reportsRoutes } from './modules/reports/reports.routes.js'
import { exportsRoutes } from './modules/requests/exports.routes.js'
import { requestsRoutes } from './modules/requests/requests.routes.js'
import { settingsRoutes } from './modules/settings/settings.routes.js'
import { setPasswordRoutes } from './modules/staff/set-password.routes.js'
import { staffRoutes } from './modules/staff/staff.routes.js'
import { verificationsRoutes } from './modules/verifications/verifications.routes.js'

export const DEFAULT_CONFIG: Omit<AppConfig, 'auditKey'> = {
  allowedOrigins: [],
  trustProxy: false,
  session: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
  now: () => new Date(),
  transport: recordingTransport,
  resetUrl: 'https://store.example.com/account/reset-password',
  mfa: { requiredRoles: ['compliance', 'admin'], freshMs: 5 * 60_000 },
}

/** The whole application: the API under /api and, when built, the console at every other path. */
export function createApp(db: Kysely<Database>, overrides: Partial<AppConfig> & Pick<AppConfig, 'auditKey'>) {
  const config: AppConfig = { ...DEFAULT_CONFIG, ...overrides }

  const api = new Hono<AppEnv>()
    .route('/auth', authRoutes)
    .route('/auth', setPasswordRoutes)
    .route('/staff', staffRoutes)
    .route('/staff', staffSessionRoutes)
    .route('/dashboard', dashboardRoutes)
    .route('/audit-log', auditRoutes)
    .route('/customers', customersRoutes)
    .route('/verifications', verificationsRoutes)
    .route('/reports/exports', partnerExportRoutes)
    .route('/reports', reportsRoutes)
    .route('/reports', commerceRoutes)
    .route('/settings', settingsRoutes)
    .route('/grants', grantsRoutes)
    .route('/flags', flagsRoutes)
    .route('/outbox', outboxRoutes)
    .route('/disclosures', disclosuresRoutes)
    .route('/requests', requestsRoutes)
    .route('/exports', exportsRoutes)

  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.use(securityHeaders)
  app.use('/api/*', async (c, next) => {
    c.set('db', db)
    c.set('config', config)
    await next()
  })
  app.use('/api/*', noStore, corsForAllowedOrigins, requireAllowedOrigin, sessionMiddleware, requestContext)
  const limit = (mebibytes: number) =>
    bodyLimit({
      maxSize: mebibytes * 1024 * 1024,
      onError: () => {
        throw new AppError(413, 'payload_too_large', `The request body is larger than ${mebibytes} MiB.`)
      },
    })
  const jsonLimit = limit(1)
  const uploadLimit = limit(11) // a 10 MiB file and its multipart envelope
  app.use('/api/*', (c, next) => (c.req.path.endsWith('/attachments') ? uploadLimit : jsonLimit)(c, next))
  app.route('/api', api)
  app.route('/api', metaRoutes(api))
  app.all('/api/*', () => {
    throw notFound('Route')
  })

  if (config.uiDir && fs.existsSync(path.join(config.uiDir, 'index.html'))) {
    const root = path.relative(process.cwd(), config.uiDir) || '.'
    const index = fs.readFileSync(path.join(config.uiDir, 'index.html'), 'utf8')
    // Static files only: API answers carry personal data next to what callers send, so they stay uncompressed (BREACH).
    app.use('/assets/*', compress(), async (c, next) => {
      await next()
      if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
    })
    // What the build keeps beside the console (Vite's manifest, in .vite/) is not the console's to serve.
    const files = serveStatic({ root })
    app.use('*', (c, next) => (c.req.path.split('/').some((part) => part.startsWith('.')) ? next() : files(c, next)))
    // Client-side routes all answer with the console's shell.
    app.get('*', (c) => {
      c.header('Cache-Control', 'no-cache')
      return c.html(index)
    })
  }
  return { app, api }
}

export type App = ReturnType<typeof createApp>['app']
