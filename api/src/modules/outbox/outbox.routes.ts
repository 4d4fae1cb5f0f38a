import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole } from '../../platform/roles.js'
import { recordId, validate } from '../../platform/validation.js'
import { getOutboxMessage, listOutbox, OUTBOX_TEMPLATES, type OutboxSort } from './outbox.service.js'

const SORTABLE: readonly OutboxSort[] = ['id', 'created_at', 'status']
const OutboxFilter = z.strictObject({
  customer_id: recordId.optional(),
  status: z.enum(['queued', 'sent', 'failed', 'recorded']).optional(),
  template: z.enum(OUTBOX_TEMPLATES).optional(),
})
const tags = ['outbox']

export const outboxRoutes = new Hono<AppEnv>()
  .use(requireRole('compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Messages to customers and their delivery status (recipients masked)' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'DESC'], filter: OutboxFilter })
      const { rows, total } = await listOutbox(c.var.db, q)
      return sendList(c, 'outbox', rows, q.offset, total)
    },
  )
  .get('/:id', describeRoute({ tags, summary: 'One message' }), validate('param', z.object({ id: recordId })), async (c) =>
    c.json(await getOutboxMessage(c.var.db, c.req.valid('param').id)),
  )
