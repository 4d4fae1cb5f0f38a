import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import {
  CodeCheck,
  CodeSend,
  VerificationAnswers,
  VerificationFilter,
  VerificationIdParam,
  VerificationStart,
} from './verifications.schemas.js'
import {
  answerVerification,
  checkVerificationCode,
  getVerification,
  listVerifications,
  sendVerificationCode,
  startVerification,
  type VerificationSort,
} from './verifications.service.js'

const tags = ['verifications']
const SORTABLE: readonly VerificationSort[] = ['id', 'created_at', 'status']

export const verificationsRoutes = new Hono<AppEnv>()
  .use(requireRole('agent', 'compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Verifications: an agent’s own, or everyone’s for compliance' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'DESC'], filter: VerificationFilter })
      const { rows, total } = await listVerifications(c.var.db, staffContext(c), q)
      return sendList(c, 'verifications', rows, q.offset, total)
    },
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One verification with its per-question results' }),
    validate('param', VerificationIdParam),
    async (c) => c.json(await getVerification(c.var.db, staffContext(c), c.req.valid('param').id)),
  )
  .post(
    '/',
    describeRoute({ tags, summary: 'Open a caller verification; answers the questions drawn at random' }),
    validate('json', VerificationStart),
    async (c) => c.json(await startVerification(c.var.db, staffContext(c), c.req.valid('json')), 201),
  )
  .post(
    '/:id/answers',
    describeRoute({ tags, summary: "Check the caller's answers: match or no match per question, never the stored value" }),
    validate('param', VerificationIdParam),
    validate('json', VerificationAnswers),
    async (c) => c.json(await answerVerification(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').answers)),
  )
  .post(
    '/:id/code',
    describeRoute({ tags, summary: 'Send a six-digit one-time code to the email or phone on file' }),
    validate('param', VerificationIdParam),
    validate('json', CodeSend),
    async (c) => c.json(await sendVerificationCode(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').channel), 202),
  )
  .post(
    '/:id/code/check',
    describeRoute({ tags, summary: 'Check the code the caller reads back' }),
    validate('param', VerificationIdParam),
    validate('json', CodeCheck),
    async (c) => c.json(await checkVerificationCode(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').code)),
  )
