import { type Context, Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, parseListQuery, sendList } from '../../platform/list.js'
import { freshProof } from '../../platform/fresh-proof.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { StaffCreate, StaffFilter, StaffIdParam, StaffPasswordReset, StaffUpdate } from './staff.schemas.js'
import { createStaff, getStaff, listStaff, removeStaffFactor, resetStaffPassword, updateStaff, type StaffSort } from './staff.service.js'

/** Links point at the console this server serves (set-password.ts). */
const consoleOrigin = (c: Context) => new URL(c.req.url).origin

const SORTABLE: readonly StaffSort[] = ['id', 'email', 'name', 'role', 'status', 'last_login_at']
const tags = ['staff']

export const staffRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', describeRoute({ tags, summary: 'List staff accounts' }), validate('query', listQuerySchema), async (c) => {
    const q = parseListQuery(c.req.query(), { sortable: SORTABLE, defaultSort: ['id', 'ASC'], filter: StaffFilter })
    const { rows, total } = await listStaff(c.var.db, q, c.var.config.mfa.requiredRoles)
    return sendList(c, 'staff', rows, q.offset, total)
  })
  .get('/:id', describeRoute({ tags, summary: 'One staff account' }), validate('param', StaffIdParam), async (c) =>
    c.json(await getStaff(c.var.db, c.req.valid('param').id, c.var.config.mfa.requiredRoles)),
  )
  .post(
    '/',
    describeRoute({ tags, summary: 'Create a staff account; emails the new staff member a set-password link' }),
    freshProof,
    validate('json', StaffCreate),
    async (c) => c.json(await createStaff(c.var.db, staffContext(c), c.req.valid('json'), consoleOrigin(c)), 201),
  )
  .put(
    '/:id',
    describeRoute({
      tags,
      summary: 'Rename, change the role of, disable or re-enable a staff account; the compliance role waits for a grant',
    }),
    freshProof,
    validate('param', StaffIdParam),
    validate('json', StaffUpdate),
    async (c) => c.json(await updateStaff(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json'))),
  )
  .post(
    '/:id/password',
    describeRoute({
      tags,
      summary: 'Reset a staff password: the old one stops working, sessions end, and a set-password link is emailed',
    }),
    freshProof,
    validate('param', StaffIdParam),
    validate('json', StaffPasswordReset),
    async (c) => c.json(await resetStaffPassword(c.var.db, staffContext(c), c.req.valid('param').id, consoleOrigin(c))),
  )
  .delete(
    '/:id/factor',
    describeRoute({ tags, summary: 'Remove a lost second factor: sessions end; the person enrols again at next sign-in' }),
    freshProof,
    validate('param', StaffIdParam),
    async (c) => c.json(await removeStaffFactor(c.var.db, staffContext(c), c.req.valid('param').id)),
  )
