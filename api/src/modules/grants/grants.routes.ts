import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { idFilter, listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { recordId, validate } from '../../platform/validation.js'
import { approveGrant, closeGrant, getGrant, listGrants, type GrantSort } from './grants.service.js'

const SORTABLE: readonly GrantSort[] = ['id', 'requested_at']
const GrantFilter = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).optional(),
  id: idFilter.optional(),
})
const IdParam = z.object({ id: recordId })
const NoBody = z.strictObject({})
const tags = ['grants']

export const grantsRoutes = new Hono<AppEnv>()
  .use(requireRole('compliance', 'admin'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Changes waiting for a second person: the compliance role, lowering k, verification limits' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['requested_at', 'DESC'], filter: GrantFilter })
      const { rows, total } = await listGrants(c.var.db, q)
      return sendList(c, 'grants', rows, q.offset, total)
    },
  )
  .get('/:id', describeRoute({ tags, summary: 'One grant' }), validate('param', IdParam), async (c) =>
    c.json(await getGrant(c.var.db, c.req.valid('param').id)),
  )
  .post(
    '/:id/approve',
    describeRoute({ tags, summary: 'Approve and apply a grant (a compliance officer other than whoever asked)' }),
    requireRole('compliance'),
    validate('param', IdParam),
    validate('json', NoBody),
    async (c) => c.json(await approveGrant(c.var.db, staffContext(c), c.req.valid('param').id)),
  )
  .post(
    '/:id/reject',
    describeRoute({ tags, summary: 'Reject a grant (a compliance officer other than whoever asked)' }),
    requireRole('compliance'),
    validate('param', IdParam),
    validate('json', NoBody),
    async (c) => c.json(await closeGrant(c.var.db, staffContext(c), c.req.valid('param').id, 'rejected')),
  )
  .post(
    '/:id/cancel',
    describeRoute({ tags, summary: 'Withdraw a grant one asked for' }),
    validate('param', IdParam),
    validate('json', NoBody),
    async (c) => c.json(await closeGrant(c.var.db, staffContext(c), c.req.valid('param').id, 'cancelled')),
  )
