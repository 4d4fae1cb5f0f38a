import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { clientIp } from '../../platform/client-ip.js'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { currentStaff, requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { CustomerFilter, CustomerIdParam } from './customers.schemas.js'
import { readCustomer, searchCustomers, type CustomerSort } from './customers.service.js'

const SORTABLE: readonly CustomerSort[] = ['id', 'created_at', 'country', 'status']
const tags = ['customers']

export const customersRoutes = new Hono<AppEnv>()
  .use(requireRole('agent', 'compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Find customers (masked results); filter.q takes an email, phone, name, order number or id' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'ASC'], filter: CustomerFilter })
      const { rows, total } = await searchCustomers(c.var.db, currentStaff(c), q, { ip: clientIp(c), now: c.var.config.now() })
      return sendList(c, 'customers', rows, q.offset, total)
    },
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One customer: masked unless a verification of this caller passed within the window' }),
    validate('param', CustomerIdParam),
    async (c) =>
      c.json(await readCustomer(c.var.db, currentStaff(c), c.req.valid('param').id, { ip: clientIp(c), now: c.var.config.now() })),
  )
