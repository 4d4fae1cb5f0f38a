import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import { readUpload, sendAttachment } from '../../platform/attachments.js'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { isoDay, validate } from '../../platform/validation.js'
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
  SORTABLE,
  SubjectLookup,
} from './disclosures.schemas.js'
import { lookupSubject } from './disclosure-subjects.js'
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
  releaseDisclosureHolds,
  startReview,
  updateDisclosure,
  withdrawDisclosure,
} from './disclosures.service.js'

const tags = ['disclosures']

const ReportRange = z.strictObject({
  from: isoDay().optional(),
  to: isoDay().optional(),
  format: z.enum(['json', 'csv']).default('json'),
})

export const disclosuresRoutes = new Hono<AppEnv>()
  .use(requireRole('compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Disclosures under legal process; queues: open, notice_due, review_due, holds' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['receivedAt', 'DESC'], filter: DisclosureFilter })
      const { rows, total } = await listDisclosures(c.var.db, c.var.ctx, q)
      return sendList(c, 'disclosures', rows, q.offset, total)
    },
  )
  .post(
    '/',
    describeRoute({ tags, summary: 'Log a request received under legal process' }),
    validate('json', DisclosureCreate),
    async (c) => c.json(await createDisclosure(c.var.db, staffContext(c), c.req.valid('json')), 201),
  )
  .post(
    '/subject-lookup',
    describeRoute({
      tags,
      summary:
        'The customers an identifier from legal process matches exactly (email, phone, customer id or order number; never a name), each with a match to add them by; audited and counted as a customer search',
    }),
    validate('json', SubjectLookup),
    async (c) => c.json(await lookupSubject(c.var.db, staffContext(c), c.req.valid('json'))),
  )
  .get(
    '/transparency-report',
    describeRoute({ tags, summary: 'Counts by half-year, type, jurisdiction and outcome; small counts banded; ?format=csv to download' }),
    validate('query', ReportRange),
    async (c) => {
      const { from, to, format } = c.req.valid('query')
      const report = await transparencyReport(c.var.db, c.var.ctx, { from, to })
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
    async (c) => c.json(await disclosureAccounting(c.var.db, staffContext(c), { customerId: c.req.valid('param').id })),
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One record with subjects, holds, amendments and attachments' }),
    validate('param', IdParam),
    async (c) => c.json(await getDisclosure(c.var.db, c.var.ctx, c.req.valid('param'))),
  )
  .put(
    '/:id',
    describeRoute({ tags, summary: 'Edit an open record (409 once closed: amend it instead)' }),
    validate('param', IdParam),
    validate('json', DisclosureUpdate),
    async (c) => c.json(await updateDisclosure(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id })),
  )
  .post('/:id/review', describeRoute({ tags, summary: 'received → under review' }), validate('param', IdParam), async (c) =>
    c.json(await startReview(c.var.db, staffContext(c), c.req.valid('param'))),
  )
  .post(
    '/:id/close',
    describeRoute({ tags, summary: 'Close with an outcome: rejected, no_data, non_content or content (partial where it applies)' }),
    validate('param', IdParam),
    validate('json', DisclosureClose),
    async (c) => c.json(await closeDisclosure(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id })),
  )
  .post(
    '/:id/withdraw',
    describeRoute({ tags, summary: 'The requester withdrew the request' }),
    validate('param', IdParam),
    validate('json', Note),
    async (c) => c.json(await withdrawDisclosure(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id })),
  )
  .post(
    '/:id/amendments',
    describeRoute({ tags, summary: 'Append a correction with its reason' }),
    validate('param', IdParam),
    validate('json', Amendment),
    async (c) => c.json(await amendDisclosure(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id }), 201),
  )
  .post(
    '/:id/release-hold',
    describeRoute({ tags, summary: "Release the record's legal holds" }),
    validate('param', IdParam),
    validate('json', Note),
    async (c) => c.json(await releaseDisclosureHolds(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id })),
  )
  .post(
    '/:id/notice',
    describeRoute({ tags, summary: 'Record that the customer was notified, or why not' }),
    validate('param', IdParam),
    validate('json', NoticeRecord),
    async (c) => c.json(await recordNotice(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id })),
  )
  .post(
    '/:id/post-review',
    describeRoute({ tags, summary: 'The later review of an emergency disclosure' }),
    validate('param', IdParam),
    validate('json', Note),
    async (c) => c.json(await recordPostReview(c.var.db, staffContext(c), { ...c.req.valid('json'), id: c.req.valid('param').id })),
  )
  .post(
    '/:id/attachments',
    describeRoute({ tags, summary: 'Attach a file (multipart field "file", 10 MiB at most); kept with its SHA-256' }),
    validate('param', IdParam),
    async (c) => c.json(await addAttachment(c.var.db, staffContext(c), { id: c.req.valid('param').id, upload: await readUpload(c) }), 201),
  )
  .get(
    '/:id/attachments/:attachmentId',
    describeRoute({ tags, summary: 'Download an attachment' }),
    validate('param', AttachmentParam),
    async (c) => {
      return sendAttachment(c, await readAttachment(c.var.db, staffContext(c), c.req.valid('param')))
    },
  )
