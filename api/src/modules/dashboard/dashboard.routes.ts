import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import type { AppEnv } from '../../platform/context.js'
import { requireSignedIn, staffContext } from '../../platform/roles.js'
import { dashboard } from './dashboard.service.js'

/** The start page's counts: each role gets only the queues it may list (docs/design.md, "Roles and what the server allows"). */
export const dashboardRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({
    tags: ['dashboard'],
    summary: 'Counts of the work waiting for the caller’s role: requests by due date, disclosure queues, open flags, staff',
  }),
  requireSignedIn,
  async (c) => c.json(await dashboard(c.var.db, staffContext(c))),
)
