import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Hono } from 'hono'
import { openAPIRouteHandler } from 'hono-openapi'
import { sql } from 'kysely'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { isDraining } from '../../platform/lifecycle.js'

const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const asset = (file: string) => fs.readFileSync(path.join(swaggerDir, file))

// The reference page loads only files served from here: no CDN, and nothing inline for the CSP to allow.
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verity API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', withCredentials: true });`

/** The one error body of every route (docs/design.md), documented from the zod schema that describes it. */
const ERROR_SCHEMA = z.toJSONSchema(
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().describe('field → message, for forms'),
      reason: z.string().optional().describe('why, as a stable key a client can translate (agent_paused, customer_locked, …)'),
      values: z.record(z.string(), z.number()).optional().describe('the numbers the message names'),
    }),
  }),
) as object as Record<string, never>

/**
 * The API's self-description: OpenAPI 3.1 built from the zod schemas that validate requests, and a browsable reference.
 * Beside it, for load balancers: liveness (`/health`: the process answers) and readiness (`/ready`: it can serve now,
 * its database answering and the process not stopping).
 */
export function metaRoutes(api: Hono<AppEnv>) {
  return new Hono<AppEnv>()
    .get('/health', (c) => c.json({ ok: true }))
    .get('/ready', async (c) => {
      if (isDraining()) return c.json({ ready: false, reason: 'stopping' }, 503)
      try {
        await sql`select 1`.execute(c.get('db'))
      } catch {
        return c.json({ ready: false, reason: 'database_unreachable' }, 503)
      }
      return c.json({ ready: true })
    })
    .get(
      '/openapi.json',
      openAPIRouteHandler(api, {
        documentation: {
          openapi: '3.1.0',
          info: {
            title: 'Verity API',
            version: '1.0.0',
            description:
              'Back office for customer service and compliance. Sign in with POST /api/auth/login; writes must carry an Origin header naming an allowed origin. Lists follow the ra-data-simple-rest protocol (sort, range, filter as JSON; total in Content-Range). Errors are {"error": {"code", "message", "fields"?}}.',
          },
          servers: [{ url: '/api' }],
          components: {
            securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'verity_session' } },
            schemas: { Error: ERROR_SCHEMA },
          },
          security: [{ session: [] }],
        },
        defaultValidationErrorResponse: {
          description: 'Invalid input: the message says what, `fields` names each offending field',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      }),
    )
    .get('/docs', (c) => c.html(DOCS_PAGE))
    .get('/docs/init.js', (c) => c.body(DOCS_INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/docs/swagger-ui.css', (c) => c.body(asset('swagger-ui.css'), 200, { 'Content-Type': 'text/css; charset=utf-8' }))
    .get('/docs/swagger-ui-bundle.js', (c) =>
      c.body(asset('swagger-ui-bundle.js'), 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
    )
}
