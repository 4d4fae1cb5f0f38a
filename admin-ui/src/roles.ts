/**
 * What each role may open in the console: the menu and pages follow this table. It mirrors the server's checks
 * (docs/design.md), which stay the guard: hiding a page here protects nothing by itself.
 */
export type Role = 'agent' | 'compliance' | 'manager' | 'admin'
type Action = 'list' | 'show' | 'create' | 'edit' | 'delete'

const ALL: Action[] = ['list', 'show', 'create', 'edit']

export const ACCESS: Record<Role, Record<string, Action[]>> = {
  agent: { customers: ['list', 'show'], verify: ['list'], requests: ['list', 'show'] },
  compliance: {
    customers: ['list', 'show'],
    verify: ['list'],
    requests: ['list', 'show'],
    disclosures: ['list', 'show', 'create', 'edit'],
    transparency: ['list'],
    flags: ['list', 'show'],
    outbox: ['list', 'show'],
    // two-person grants: a compliance officer approves what another asked for
    grants: ['list'],
    'audit-log': ['list', 'show'],
    reports: ['list'],
  },
  manager: { reports: ['list'] },
  admin: { staff: ALL, settings: ['list', 'edit'], grants: ['list'], 'audit-log': ['list', 'show'], reports: ['list'] },
}

export function canRoleAccess(role: Role | undefined, resource: string, action: string): boolean {
  if (!role) return false
  if (resource === 'dashboard') return true
  return (ACCESS[role][resource] ?? []).includes(action as Action)
}

/** The console's own pages (not resources), by their path's first segment, and the entry of ACCESS that opens each. */
export const PAGE_ACCESS: Record<string, string> = {
  verify: 'verify',
  transparency: 'transparency',
  reports: 'reports',
  'business-reports': 'reports',
  accounting: 'disclosures',
}

/** The entry of ACCESS a console path belongs to (`/customers/4/show` → customers); undefined for no page of the console. */
export function accessOf(path: string): string | undefined {
  const first = path.split('/').filter(Boolean)[0]
  if (!first) return undefined
  if (first in PAGE_ACCESS) return PAGE_ACCESS[first]
  return Object.values(ACCESS).some((pages) => first in pages) ? first : undefined
}
