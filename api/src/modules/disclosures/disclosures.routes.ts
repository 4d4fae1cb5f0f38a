import { Hono, type Context } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import { clientIp } from '../../platform/client-ip.js'
import type { AppEnv } from '../../platform/context.js'
import { unprocessable } from '../../platform/errors.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { currentStaff, requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { disclosureAccounting, transparencyCsv, transparencyReport } from './disclosures.reports.js'
import {
  Amendment,
  AttachmentParam,
  DisclosureClose,
  DisclosureCreate,
  DisclosureFilter,
  DisclosureUpdate,
  IdParam,
  Note,
  NoticeRecord,
} from './disclosures.schemas.js'
import {
  addAttachment,
  amendDisclosure,
  closeDisclosure,
  createDisclosure,
  getDisclosure,
  listDisclosures,
  readAttachment,
  recordNotice,
  recordPostReview,
  releaseHolds,
  startReview,
  updateDisclosure,
  withdrawDisclosure,
  type DisclosureSort,
} from './disclosures.service.js'

const SORTABLE: readonly DisclosureSort[] = ['id', 'received_at', 'due_at', 'status', 'type']
const tags = ['disclosures']
const meta = (c: Context<AppEnv>) => ({ ip: clientIp(c), now: c.var.config.now() })
const ReportRange = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  format: z.enum(['json', 'csv']).default('json'),
})

export const disclosuresRoutes = new Hono<AppEnv>()
  .use(requireRole('compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Disclosures under legal process; queues: open, notice_due, review_due, holds' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['received_at', 'DESC'], filter: DisclosureFilter })
      const { rows, total } = await listDisclosures(c.var.db, q, c.var.config.now())
      return sendList(c, 'disclosures', rows, q.offset, total)
    },
  )
  .post(
    '/',
    describeRoute({ tags, summary: 'Log a request received under legal process' }),
    validate('json', DisclosureCreate),
    async (c) => c.json(await createDisclosure(c.var.db, currentStaff(c), c.req.valid('json'), meta(c)), 201),
  )
  .get(
    '/transparency-report',
    describeRoute({ tags, summary: 'Counts by half-year, type, jurisdiction and outcome; small counts banded; ?format=csv to download' }),
    validate('query', ReportRange),
    async (c) => {
      const { from, to, format } = c.req.valid('query')
      const report = await transparencyReport(c.var.db, { from, to })
      if (format === 'json') return c.json(report)
      c.header('Content-Disposition', `attachment; filename="transparency-report${from ? `-${from}` : ''}${to ? `-${to}` : ''}.csv"`)
      return c.body(transparencyCsv(report), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
    },
  )
  .get(
    '/accounting/:id',
    describeRoute({
      tags,
      summary: "One customer's accounting of disclosures over six years (those under a non-disclosure order left out)",
    }),
    validate('param', IdParam),
    async (c) => c.json(await disclosureAccounting(c.var.db, currentStaff(c), c.req.valid('param').id, meta(c))),
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One record with subjects, holds, amendments and attachments' }),
    validate('param', IdParam),
    async (c) => c.json(await getDisclosure(c.var.db, c.req.valid('param').id, c.var.config.now())),
  )
  .put(
    '/:id',
    describeRoute({ tags, summary: 'Edit an open record (409 once closed: amend it instead)' }),
    validate('param', IdParam),
    validate('json', DisclosureUpdate),
    async (c) => c.json(await updateDisclosure(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json'), meta(c))),
  )
  .post('/:id/review', describeRoute({ tags, summary: 'received → under review' }), validate('param', IdParam), async (c) =>
    c.json(await startReview(c.var.db, currentStaff(c), c.req.valid('param').id, meta(c))),
  )
  .post(
    '/:id/close',
    describeRoute({ tags, summary: 'Close with an outcome: rejected, no_data, non_content or content (partial where it applies)' }),
    validate('param', IdParam),
    validate('json', DisclosureClose),
    async (c) => c.json(await closeDisclosure(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json'), meta(c))),
  )
  .post(
    '/:id/withdraw',
    describeRoute({ tags, summary: 'The requester withdrew the request' }),
    validate('param', IdParam),
    validate('json', Note),
    async (c) => c.json(await withdrawDisclosure(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json').note, meta(c))),
  )
  .post(
    '/:id/amendments',
    describeRoute({ tags, summary: 'Append a correction with its reason' }),
    validate('param', IdParam),
    validate('json', Amendment),
    async (c) => c.json(await amendDisclosure(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json'), meta(c)), 201),
  )
  .post(
    '/:id/release-hold',
    describeRoute({ tags, summary: "Release the record's legal holds" }),
    validate('param', IdParam),
    validate('json', Note),
    async (c) => c.json(await releaseHolds(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json').note, meta(c))),
  )
  .post(
    '/:id/notice',
    describeRoute({ tags, summary: 'Record that the customer was notified, or why not' }),
    validate('param', IdParam),
    validate('json', NoticeRecord),
    async (c) => c.json(await recordNotice(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json'), meta(c))),
  )
  .post(
    '/:id/post-review',
    describeRoute({ tags, summary: 'The later review of an emergency disclosure' }),
    validate('param', IdParam),
    validate('json', Note),
    async (c) => c.json(await recordPostReview(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json').note, meta(c))),
  )
  .post(
    '/:id/attachments',
    describeRoute({ tags, summary: 'Attach a file (multipart field "file", 10 MiB at most); kept with its SHA-256' }),
    validate('param', IdParam),
    async (c) => {
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const file = body.file
      if (!(file instanceof File))
        throw unprocessable('Send the file as multipart form data in a field named "file".', { file: 'Required' })
      return c.json(await addAttachment(c.var.db, currentStaff(c), c.req.valid('param').id, file, meta(c)), 201)
    },
  )
  .get(
    '/:id/attachments/:attachmentId',
    describeRoute({ tags, summary: 'Download an attachment' }),
    validate('param', AttachmentParam),
    async (c) => {
      const { id, attachmentId } = c.req.valid('param')
      const file = await readAttachment(c.var.db, currentStaff(c), id, attachmentId, meta(c))
      return c.body(new Uint8Array(file.content), 200, {
        'Content-Type': file.content_type,
        'Content-Disposition': `attachment; filename="${file.filename}"`,
        'X-Content-SHA256': file.sha256,
      })
    },
  )
