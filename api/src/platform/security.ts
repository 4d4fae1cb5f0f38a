import type { Context } from 'hono'
import { cors } from 'hono/cors'
import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './context.js'
import { AppError } from './errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function ownOrigin(c: Context): string {
  return new URL(c.req.url).origin
}

export function isAllowedOrigin(c: Context<AppEnv>, origin: string): boolean {
  return origin === ownOrigin(c) || c.var.config.allowedOrigins.includes(origin)
}

/**
 * CSRF defence (docs/design.md): every write must name an allowed origin in its Origin header.
 * With the SameSite session cookie this is enough; no token is needed.
 */
export const requireAllowedOrigin = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header('origin')
    if (!origin || !isAllowedOrigin(c, origin)) {
      throw new AppError(
        403,
        'origin_rejected',
        origin ? `Requests from ${origin} are not allowed.` : 'Writes must carry an Origin header naming an allowed origin.',
      )
    }
  }
  await next()
})

/** CORS only for the configured origins, with credentials, exposing Content-Range for list totals. */
export const corsForAllowedOrigins = createMiddleware<AppEnv>((c, next) =>
  cors({
    origin: (origin) => (c.var.config.allowedOrigins.includes(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowHeaders: ['Content-Type', 'Accept'],
    exposeHeaders: ['Content-Range'],
    maxAge: 600,
  })(c, next),
)

export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // MUI (emotion) writes style elements at run time.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    baseUri: ["'self'"],
    objectSrc: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  crossOriginEmbedderPolicy: false,
})

/** API answers carry personal data: never cache them. */
export const noStore = createMiddleware(async (c, next) => {
  await next()
  c.header('Cache-Control', 'no-store')
})
