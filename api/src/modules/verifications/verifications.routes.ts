import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { clientIp } from '../../platform/client-ip.js'
import type { AppEnv } from '../../platform/context.js'
import { currentStaff, requireRole } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { VerificationAnswers, VerificationIdParam, VerificationStart } from './verifications.schemas.js'
import { answerVerification, startVerification } from './verifications.service.js'

const tags = ['verifications']

export const verificationsRoutes = new Hono<AppEnv>()
  .use(requireRole('agent', 'compliance'))
  .post(
    '/',
    describeRoute({ tags, summary: 'Open a caller verification; answers the questions drawn at random' }),
    validate('json', VerificationStart),
    async (c) =>
      c.json(await startVerification(c.var.db, currentStaff(c), c.req.valid('json'), { ip: clientIp(c), now: c.var.config.now() }), 201),
  )
  .post(
    '/:id/answers',
    describeRoute({ tags, summary: "Check the caller's answers: match or no match per question, never the stored value" }),
    validate('param', VerificationIdParam),
    validate('json', VerificationAnswers),
    async (c) =>
      c.json(
        await answerVerification(c.var.db, currentStaff(c), c.req.valid('param').id, c.req.valid('json').answers, {
          ip: clientIp(c),
          now: c.var.config.now(),
        }),
      ),
  )
