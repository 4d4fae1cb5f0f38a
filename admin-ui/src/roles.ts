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
    flags: ['list'],
    outbox: ['list'],
    'audit-log': ['list', 'show'],
    reports: ['list'],
  },
  manager: { reports: ['list'] },
  admin: { staff: ALL, settings: ['list', 'edit'], 'audit-log': ['list', 'show'], reports: ['list'] },
}

export function canRoleAccess(role: Role | undefined, resource: string, action: string): boolean {
  if (!role) return false
  if (resource === 'dashboard') return true
  return (ACCESS[role][resource] ?? []).includes(action as Action)
}
