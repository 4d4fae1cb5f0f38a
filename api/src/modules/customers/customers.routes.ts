import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { CustomerFilter, CustomerIdParam } from './customers.schemas.js'
import { breakGlass, readCustomer, searchCustomers, sendPasswordReset, type CustomerSort } from './customers.service.js'

const SORTABLE: readonly CustomerSort[] = ['id', 'created_at', 'country', 'status']
const tags = ['customers']
const BreakGlassBody = z.strictObject({
  reason: z.string().trim().min(15, 'Give the reason in a sentence (15 characters at least)').max(1000),
})

export const customersRoutes = new Hono<AppEnv>()
  .use(requireRole('agent', 'compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Find customers (masked results); filter.q takes an email, phone, name, order number or id' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'ASC'], filter: CustomerFilter })
      const { rows, total } = await searchCustomers(c.var.db, staffContext(c), q)
      return sendList(c, 'customers', rows, q.offset, total)
    },
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One customer with addresses, cards, orders and history: masked unless verified (or break-glass)' }),
    validate('param', CustomerIdParam),
    async (c) => c.json(await readCustomer(c.var.db, staffContext(c), c.req.valid('param').id)),
  )
  .post(
    '/:id/unmask',
    describeRoute({ tags, summary: 'Compliance: open the record unmasked for a while, giving a written reason (audited)' }),
    requireRole('compliance'),
    validate('param', CustomerIdParam),
    validate('json', BreakGlassBody),
    async (c) => c.json(await breakGlass(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').reason), 201),
  )
  .post(
    '/:id/password-reset',
    describeRoute({ tags, summary: 'Send a password-reset link to the email on file (needs a verified caller)' }),
    validate('param', CustomerIdParam),
    async (c) => c.json(await sendPasswordReset(c.var.db, staffContext(c), c.req.valid('param').id), 202),
  )
