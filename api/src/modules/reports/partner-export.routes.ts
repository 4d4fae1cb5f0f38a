import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { hasTwoPlaces } from './noise.js'
import { exportReport, listExports } from './partner-export.js'
import { commerceBy, day, demographicsBy, wholePeriod } from './report-query.js'

/** ε of an export's noise: 0.05 to 2, in hundredths, so that its scale 1/ε = 100/n is a rational the sampler draws exactly. */
const epsilon = z
  .number('ε is a number')
  .min(0.05, 'ε is at least 0.05')
  .max(2, 'ε is at most 2')
  .refine(hasTwoPlaces, 'ε has at most two decimal places')
  .optional()

const period = { from: day.optional(), to: day.optional(), epsilon }
const REPORTS = ['demographics', 'commerce', 'buyers'] as const

const ExportBody = wholePeriod(
  z.discriminatedUnion(
    'report',
    [
      z.strictObject({ report: z.literal('demographics'), by: demographicsBy, ...period }),
      z.strictObject({ report: z.literal('commerce'), by: commerceBy, ...period }),
      z.strictObject({ report: z.literal('buyers'), ...period }),
    ],
    { error: `The report is one of: ${REPORTS.join(', ')}` },
  ),
)

/** Exports for partners, mounted at /api/reports/exports (docs/decisions/0013-partner-export-noise.md). */
export const partnerExportRoutes = new Hono<AppEnv>()
  .post(
    '/',
    describeRoute({
      tags: ['reports'],
      summary:
        'A report table (demographics, commerce or buyers) as CSV, exactly as shown; or demographics with each shown count ' +
        'drawn from its true count with discrete Laplace noise at ε (0.05–2), spent from the yearly privacy budget ' +
        '(409 export_budget_spent past it). Every export is kept in the ledger and audited',
    }),
    requireRole('manager', 'compliance', 'admin'),
    validate('json', ExportBody),
    async (c) => {
      const result = await exportReport(c.var.db, staffContext(c), c.req.valid('json'))
      const headers: Record<string, string> = {
        'Content-Type': 'text/csv; charset=utf-8',
        // The name is ASCII letters, digits, '-', '_' and '.' only: both forms of RFC 6266 carry it as it is.
        'Content-Disposition': `attachment; filename="${result.filename}"; filename*=UTF-8''${encodeURIComponent(result.filename)}`,
      }
      if (result.budgetRemaining !== null) headers['X-Privacy-Budget-Remaining'] = String(result.budgetRemaining)
      return c.body(result.csv, 200, headers)
    },
  )
  .get(
    '/',
    describeRoute({
      tags: ['reports'],
      summary: "This calendar year's privacy budget for noisy exports (ε total, spent, remaining) and the latest 100 exports, newest first",
    }),
    requireRole('manager', 'compliance', 'admin'),
    async (c) => c.json(await listExports(c.var.db, c.var.ctx)),
  )
