import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import { audit } from '../../platform/audit.js'
import type { AppEnv } from '../../platform/context.js'
import { inTransaction } from '../../platform/transaction.js'
import { validate } from '../../platform/validation.js'
import { exportAsHtml, exportByToken } from './access-export.js'

const TokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Not a download link') })
const Format = z.object({ format: z.enum(['json', 'html']).default('json') })

/**
 * The customer's download of an access export: no staff session, the link's token is the key. It works until it
 * expires, and every download is on the record.
 */
export const exportsRoutes = new Hono<AppEnv>().get(
  '/:token',
  describeRoute({ tags: ['requests'], summary: 'Download an access export through the link sent to the customer (JSON, or ?format=html)' }),
  validate('param', TokenParam),
  validate('query', Format),
  async (c) => {
    const ctx = c.var.ctx
    const found = await inTransaction(c.var.db, async (trx) => {
      const found = await exportByToken(trx, c.req.valid('param').token, ctx.now)
      await audit(trx, ctx, {
        action: 'request.export_download',
        system: true,
        entityType: 'request',
        entityId: found.requestId,
        customerId: found.customerId,
        details: { format: c.req.valid('query').format },
      })
      return found
    })
    if (c.req.valid('query').format === 'html') return c.html(exportAsHtml(found.content))
    c.header('Content-Disposition', 'attachment; filename="my-data.json"')
    return c.json(found.content)
  },
)
