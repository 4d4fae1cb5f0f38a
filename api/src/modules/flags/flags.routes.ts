import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { FLAG_KINDS } from '@verity/db'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { isoDayOrInstant, recordId, validate } from '../../platform/validation.js'
import { listFlags, lockAccount, recordConsent, resolveFlag, showFlag, type FlagSort } from './flags.service.js'

const SORTABLE: readonly FlagSort[] = ['id', 'created_at', 'kind']
const FlagFilter = z.strictObject({
  open: z.boolean().optional(),
  kind: z.enum(FLAG_KINDS).optional(),
  customer_id: recordId.optional(),
})
const IdParam = z.object({ id: recordId })
const tags = ['flags']

export const flagsRoutes = new Hono<AppEnv>()
  .use(requireRole('compliance'))
  .get(
    '/',
    describeRoute({ tags, summary: 'Signals for compliance: locked verifications, agents probing or failing, searches past the rate' }),
    validate('query', listQuerySchema),
    async (c) => {
      const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'DESC'], filter: FlagFilter })
      const { rows, total } = await listFlags(c.var.db, staffContext(c).staff, q)
      return sendList(c, 'flags', rows, q.offset, total)
    },
  )
  .get(
    '/:id',
    describeRoute({ tags, summary: 'One flag, with names and the actions open to the viewer' }),
    validate('param', IdParam),
    async (c) => c.json(await showFlag(c.var.db, staffContext(c).staff, c.req.valid('param').id)),
  )
  .post(
    '/:id/resolve',
    describeRoute({ tags, summary: 'Resolve a flag with a note; resolving a verification lock unlocks the customer' }),
    validate('param', IdParam),
    validate('json', z.strictObject({ resolution: z.string().trim().min(5, 'Say what was found or done').max(1000) })),
    async (c) => c.json(await resolveFlag(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').resolution)),
  )
  .post(
    '/:id/lock-account',
    describeRoute({ tags, summary: "Locks the account of an under-13 or a minor without a guardian's consent, and resolves its flag" }),
    validate('param', IdParam),
    async (c) => c.json(await lockAccount(c.var.db, staffContext(c), c.req.valid('param').id)),
  )
  .post(
    '/:id/record-consent',
    describeRoute({ tags, summary: "Records a guardian's consent for a minor's account, and resolves its flag" }),
    validate('param', IdParam),
    validate(
      'json',
      z.strictObject({
        guardianName: z.string().trim().min(2, "Give the guardian's name").max(200),
        consentedAt: isoDayOrInstant('Give the date of the consent'),
      }),
    ),
    async (c) => c.json(await recordConsent(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json'))),
  )
