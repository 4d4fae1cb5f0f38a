import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { demographics, DIMENSIONS, periodOf } from './reports.service.js'

const day = z.iso.date('A date as YYYY-MM-DD')

const DemographicsQuery = z
  .strictObject({
    by: z
      .string()
      .default('age_band')
      .transform((s) => s.split(',').map((d) => d.trim()))
      .pipe(
        z
          .array(z.enum(DIMENSIONS, `Dimensions are: ${DIMENSIONS.join(', ')}`))
          .min(1)
          .max(3, 'At most three dimensions')
          .refine((a) => new Set(a).size === a.length, 'Each dimension once'),
      ),
    from: day.optional(),
    to: day.optional(),
  })
  .refine((q) => !q.from === !q.to, { message: 'Give both ends of the range, or neither', path: ['to'] })
  .refine((q) => !q.from || !q.to || periodOf(q.from, q.to), {
    message: 'A range is one calendar month, quarter or year (from its first day to its last)',
    path: ['to'],
  })

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
