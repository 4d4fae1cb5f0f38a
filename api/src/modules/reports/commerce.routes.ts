import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { buyers, commerce } from './commerce.js'
import { operations } from './operations.js'
import { CommerceQuery, day, PeriodQuery } from './report-query.js'

const RangeQuery = z
  .strictObject({ from: day.optional(), to: day.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'The range ends before it starts', path: ['to'] })

const readers = requireRole('compliance', 'manager', 'admin')

/** Commerce and operations reports, mounted beside the demographics at /api/reports. */
export const commerceRoutes = new Hono<AppEnv>()
  .get(
    '/commerce',
    describeRoute({
      tags: ['reports'],
      summary:
        'Orders, revenue and average order value (integer cents, per currency) by month, country, region or month and country, ' +
        'for a calendar month, quarter or year (all time without one); cells with fewer than k customers, or dominated by one, hidden',
    }),
    readers,
    validate('query', CommerceQuery),
    async (c) => c.json(await commerce(c.var.db, c.var.ctx, c.req.valid('query'))),
  )
  .get(
    '/buyers',
    describeRoute({
      tags: ['reports'],
      summary: 'New and returning buyers per month, for a calendar month, quarter or year (all time without one); counts under k hidden',
    }),
    readers,
    validate('query', PeriodQuery),
    async (c) => c.json(await buyers(c.var.db, c.var.ctx, c.req.valid('query'))),
  )
  .get(
    '/operations',
    describeRoute({
      tags: ['reports'],
      summary:
        'Verification pass rate, requests by type and status, share completed on time, median hours to complete, and ' +
        'disclosures by type per half-year as banded counts',
    }),
    readers,
    validate('query', RangeQuery),
    async (c) => c.json(await operations(c.var.db, c.req.valid('query'))),
  )
