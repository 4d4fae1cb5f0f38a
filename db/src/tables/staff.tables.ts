import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export const STAFF_ROLES = ['agent', 'compliance', 'manager', 'admin'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]
export type StaffStatus = 'active' | 'disabled'

export interface StaffUsersTable {
  id: Generated<number>
  email: string
  name: string
  role: StaffRole
  status: ColumnType<StaffStatus, StaffStatus | undefined, StaffStatus>
  created_at: string
  updated_at: string
  last_login_at: string | null
}

/** Kept apart from staff_users so that no listing can select a hash by accident. */
export interface StaffCredentialsTable {
  staff_id: number
  password_hash: string
  changed_at: string
}

/** Single-use set-password links sent to staff; the token is stored as its SHA-256 (hex), the link only in the email. */
export interface StaffPasswordLinksTable {
  id: Generated<number>
  staff_id: number
  token_hash: string
  purpose: 'invite' | 'reset'
  requested_by: number | null
  created_at: string
  expires_at: string
  used_at: string | null
}

/** Lucia's design: the id is the SHA-256 (hex) of the token the browser holds. */
export interface StaffSessionsTable {
  id: string
  staff_id: number
  created_at: string
  expires_at: string
  last_used_at: string
  ip: string | null
  user_agent: string | null
}

/** Counts failed sign-ins per key (an email or an IP address) to throttle guessing. */
export interface LoginThrottleTable {
  key: string
  failures: number
  window_started_at: string
  locked_until: string | null
}

export type StaffUser = Selectable<StaffUsersTable>
export type NewStaffUser = Insertable<StaffUsersTable>
export type StaffUserUpdate = Updateable<StaffUsersTable>
export type StaffSession = Selectable<StaffSessionsTable>
