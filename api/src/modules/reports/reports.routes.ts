import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { demographics, DIMENSIONS } from './reports.service.js'

const DemographicsQuery = z.strictObject({
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
})

export const reportsRoutes = new Hono<AppEnv>().get(
  '/demographics',
  describeRoute({
    tags: ['reports'],
    summary: 'Customers counted by age band, gender, country, region or signup month; small cells suppressed',
  }),
  requireRole('compliance', 'manager', 'admin'),
  validate('query', DemographicsQuery),
  async (c) => c.json(await demographics(c.var.db, c.req.valid('query').by, c.var.config.now())),
)
