import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import { appendAudit } from '../../platform/audit.js'
import { clientIp } from '../../platform/client-ip.js'
import type { AppEnv } from '../../platform/context.js'
import { idFilter, listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { currentStaff, requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { getAuditEntry, listAudit, verifyAuditChain, type AuditSort } from './audit.service.js'

const SORTABLE: readonly AuditSort[] = ['id', 'at', 'action', 'actor_id']
const isoTime = z.iso.datetime({ offset: true }).or(z.iso.date())
const AuditFilter = z.strictObject({
  actor_id: z.coerce.number().int().positive().optional(),
  customer_id: z.coerce.number().int().positive().optional(),
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]*)?$/, 'An action such as auth.login, or a prefix such as staff.')
    .optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  id: idFilter.optional(),
})
const tags = ['audit']

export const auditRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ tags, summary: 'Browse the audit log (admins: staff actions only)' }),
    requireRole('compliance', 'admin'),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'DESC'], filter: AuditFilter })
      const { rows, total } = await listAudit(c.var.db, currentStaff(c), q)
      return sendList(c, 'audit-log', rows, q.offset, total)
    },
  )
  .post(
    '/verify',
    describeRoute({ tags, summary: 'Check the whole hash chain; names the first broken entry' }),
    requireRole('compliance', 'admin'),
    async (c) => {
      const staff = currentStaff(c)
      const report = await verifyAuditChain(c.var.db)
      await c.var.db.transaction().execute((trx) =>
        appendAudit(
          trx,
          {
            actor: { id: staff.id, role: staff.role },
            action: 'audit.verify',
            ip: clientIp(c),
            details: { ok: report.ok, checked: report.checked, first_broken: report.firstBroken?.id ?? null },
          },
          c.var.config.now(),
        ),
      )
      return c.json(report)
    },
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One audit entry' }),
    requireRole('compliance', 'admin'),
    validate('param', z.object({ id: z.coerce.number().int().positive() })),
    async (c) => c.json(await getAuditEntry(c.var.db, currentStaff(c), c.req.valid('param').id)),
  )
