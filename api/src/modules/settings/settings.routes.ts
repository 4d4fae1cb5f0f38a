import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { z } from 'zod'
import type { AppEnv } from '../../platform/context.js'
import { listQuerySchema, sendList } from '../../platform/list.js'
import { requireRole, staffContext } from '../../platform/roles.js'
import { validate } from '../../platform/validation.js'
import { updateSetting } from './setting-change.js'
import { getSettingRecord, listSettings } from './settings.service.js'

const tags = ['settings']
const KeyParam = z.object({ id: z.string().regex(/^[a-z_]{1,64}$/) })
// The edit form sends the whole record back; only the value is taken.
const SettingUpdate = z.looseObject({ value: z.number() })

export const settingsRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', describeRoute({ tags, summary: 'Every setting with its value and default' }), validate('query', listQuerySchema), async (c) => {
    const rows = await listSettings(c.var.db)
    return sendList(c, 'settings', rows, 0, rows.length)
  })
  .get('/:id', describeRoute({ tags, summary: 'One setting' }), validate('param', KeyParam), async (c) =>
    c.json(await getSettingRecord(c.var.db, c.req.valid('param').id)),
  )
  .put(
    '/:id',
    describeRoute({ tags, summary: 'Change a setting; changes that need a second person answer 202 with the pending grant' }),
    validate('param', KeyParam),
    validate('json', SettingUpdate),
    async (c) => {
      const record = await updateSetting(c.var.db, staffContext(c), c.req.valid('param').id, c.req.valid('json').value)
      // 202: accepted, waiting for a compliance officer's approval (grants)
      return c.json(record, record.pending_grant ? 202 : 200)
    },
  )
