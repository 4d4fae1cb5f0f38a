import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { DemographicsQuery } from './report-query.js'
import { demographics } from './reports.service.js'

export const reportsRoutes = new Hono<AppEnv>().get(
  '/demographics',
  describeRoute({
    tags: ['reports'],
    summary:
      'Customers who signed up in a calendar month, quarter or year (from its first day to its last; all time without them), ' +
      'counted by up to three of age band, gender, country, region and signup month; each count slightly perturbed by the ' +
      'cell-key method, counts under k hidden',
  }),
  requireRole('compliance', 'manager', 'admin'),
  validate('query', DemographicsQuery),
  async (c) => c.json(await demographics(c.var.db, c.var.ctx, c.req.valid('query'))),
)
