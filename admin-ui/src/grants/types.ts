export const GRANT_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const
export type GrantStatus = (typeof GRANT_STATUSES)[number]
export type GrantAction = 'approve' | 'reject' | 'cancel'

/**
 * A row of GET /api/grants: a change that takes effect only once a compliance officer other than its requester approves
 * it (docs/design.md, promise 8). `staff_*` and `role` for a role grant; `setting`, `value` and `previous_value` for a
 * setting.
 */
export interface GrantRow {
  id: number
  kind: 'role' | 'setting'
  status: GrantStatus
  staff_id: number | null
  staff_name: string | null
  staff_email: string | null
  role: string | null
  setting: string | null
  value: number | null
  previous_value: number | null
  requested_by: number
  requested_by_name: string | null
  requested_at: string
  decided_by: number | null
  decided_by_name: string | null
  decided_at: string | null
}

/** react-admin choices whose names are i18n keys. */
export const STATUS_CHOICES = GRANT_STATUSES.map((id) => ({ id, name: `verity.grants.statuses.${id}` }))

/** The grants list filtered to those still waiting: where the dashboard, the audit desk and the notices lead. */
export const PENDING_GRANTS = `/grants?${new URLSearchParams({ filter: JSON.stringify({ status: 'pending' }) })}`

/**
 * What the viewer may do about a grant. The server decides (grants.service.ts: approve and reject for a compliance
 * officer who neither asked for the grant nor receives it; cancel for whoever asked); the console offers only those, so
 * that nobody is shown a button bound to fail.
 */
export function grantActions(grant: GrantRow, viewer: { id: number | string; role: string } | undefined): GrantAction[] {
  if (!viewer || grant.status !== 'pending') return []
  const is = (id: number | null) => id !== null && String(viewer.id) === String(id)
  if (is(grant.requested_by)) return ['cancel']
  return viewer.role === 'compliance' && !is(grant.staff_id) ? ['approve', 'reject'] : []
}
