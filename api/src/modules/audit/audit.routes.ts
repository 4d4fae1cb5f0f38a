import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import { audit } from '../../platform/audit.js'
import { readAuditCheckpoints } from '../../platform/audit-checkpoint.js'
import type { AppEnv } from '../../platform/context.js'
import { idFilter, listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { inTransaction } from '../../platform/transaction.js'
import { isoDayOrInstant, recordId, validate } from '../../platform/validation.js'
import { checkAuditChain, getAuditEntry, lastChainCheck, listAudit, listAuditStaff, type AuditSort } from './audit.service.js'

const SORTABLE: readonly AuditSort[] = ['id', 'at', 'action', 'actor_id']
const isoTime = isoDayOrInstant()
const AuditFilter = z.strictObject({
  actor_id: recordId.optional(),
  customer_id: recordId.optional(),
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
      const { rows, total } = await listAudit(c.var.db, staffContext(c).staff, q)
      return sendList(c, 'audit-log', rows, q.offset, total)
    },
  )
  .post(
    '/verify',
    describeRoute({ tags, summary: 'Check the keyed chain and its checkpoints; names the first entry where either does not hold' }),
    requireRole('compliance', 'admin'),
    async (c) => {
      const ctx = staffContext(c)
      const file = ctx.config.auditCheckpointFile
      const { checkpoints } = file ? await readAuditCheckpoints(file) : { checkpoints: [] }
      const report = await checkAuditChain(c.var.db, ctx.config.auditKey, { checkpoints })
      const { ok, checked, firstBroken } = report
      await inTransaction(c.var.db, (trx) =>
        audit(trx, ctx, {
          action: 'audit.verify',
          details: {
            ok,
            checked,
            first_broken: firstBroken?.id ?? null,
            reason: firstBroken?.reason ?? null,
            checkpoint: report.checkpoint?.id ?? null,
          },
        }),
      )
      // what the desk keeps on screen: the same fields GET /verify/latest reads back from this run's entry
      return c.json({ ...report, at: ctx.now.toISOString(), by: ctx.staff.name })
    },
  )
  .get(
    '/verify/latest',
    describeRoute({ tags, summary: 'The last chain check: when, by whom, how many entries held, where it broke' }),
    requireRole('compliance', 'admin'),
    async (c) => c.json({ run: await lastChainCheck(c.var.db) }),
  )
  .get(
    '/staff',
    describeRoute({ tags, summary: 'Staff members by name, for filtering the log by who acted' }),
    requireRole('compliance', 'admin'),
    async (c) => c.json(await listAuditStaff(c.var.db)),
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One audit entry' }),
    requireRole('compliance', 'admin'),
    validate('param', z.object({ id: recordId })),
    async (c) => c.json(await getAuditEntry(c.var.db, staffContext(c).staff, c.req.valid('param').id)),
  )
