import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { readUpload, sendAttachment } from '../../platform/attachments.js'
import { attachToRequest, readRequestAttachment } from './request-attachments.js'
import { AttachmentParam, RequestCancel, RequestCreate, RequestFilter, RequestIdParam, RequestReason } from './requests.schemas.js'
import {
  approveRequest,
  cancelRequest,
  extendRequest,
  fileRequest,
  listRequests,
  readRequest,
  rejectRequest,
  type RequestSort,
} from './requests.service.js'

const tags = ['requests']
const SORTABLE: readonly RequestSort[] = ['id', 'created_at', 'due_at', 'status', 'type']

export const requestsRoutes = new Hono<AppEnv>()
  .use(requireRole('agent', 'compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Edit, erasure and access requests: everyone’s for compliance, an agent’s own; with days left' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['due_at', 'ASC'], filter: RequestFilter })
      const { rows, total } = await listRequests(c.var.db, staffContext(c), q)
      return sendList(c, 'requests', rows, q.offset, total)
    },
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One request with its timeline and the actions open to you' }),
    validate('param', RequestIdParam),
    async (c) => c.json(await readRequest(c.var.db, staffContext(c), c.req.valid('param').id)),
  )
  .post(
    '/',
    describeRoute({ tags, summary: 'File a request for a verified caller (agents) or one received in writing (compliance)' }),
    validate('json', RequestCreate),
    async (c) => c.json(await fileRequest(c.var.db, staffContext(c), c.req.valid('json')), 201),
  )
  .post(
    '/:id/attachments',
    describeRoute({
      tags,
      summary: 'Keep a file with a pending request (multipart field "file"): a letter, an agent’s written permission',
    }),
    validate('param', RequestIdParam),
    async (c) => c.json(await attachToRequest(c.var.db, staffContext(c), c.req.valid('param').id, await readUpload(c)), 201),
  )
  .get(
    '/:id/attachments/:attachmentId',
    describeRoute({ tags, summary: 'Download a file kept with a request' }),
    validate('param', AttachmentParam),
    async (c) => {
      const { id, attachmentId } = c.req.valid('param')
      return sendAttachment(c, await readRequestAttachment(c.var.db, staffContext(c), id, attachmentId))
    },
  )
  .post(
    '/:id/approve',
    describeRoute({ tags, summary: 'Approve and carry out: apply an edit, execute an erasure, produce an access export' }),
    requireRole('compliance'),
    validate('param', RequestIdParam),
    async (c) => {
      const exportBase = `${new URL(c.req.url).origin}/api/exports`
      return c.json(await approveRequest(c.var.db, staffContext(c), c.req.valid('param').id, { exportBase }))
    },
  )
  .post(
    '/:id/reject',
    describeRoute({ tags, summary: 'Reject with the reason, which the customer is sent' }),
    requireRole('compliance'),
    validate('param', RequestIdParam),
    validate('json', RequestReason),
    async (c) => c.json(await rejectRequest(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').reason)),
  )
  .post(
    '/:id/cancel',
    describeRoute({ tags, summary: 'Withdraw a request (its filer, or compliance)' }),
    validate('param', RequestIdParam),
    validate('json', RequestCancel),
    async (c) => c.json(await cancelRequest(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').reason)),
  )
  .post(
    '/:id/extend',
    describeRoute({ tags, summary: 'Extend the deadline once, with the reason; the customer is told' }),
    requireRole('compliance'),
    validate('param', RequestIdParam),
    validate('json', RequestReason),
    async (c) => c.json(await extendRequest(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').reason)),
  )
