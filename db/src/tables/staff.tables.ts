import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export const STAFF_ROLES = ['agent', 'compliance', 'manager', 'admin'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]
/** 'pending': a compliance account waiting for its two-person grant; it cannot sign in */
export type StaffStatus = 'active' | 'disabled' | 'pending'

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
  /** 'signed_in'; or a partial stage a password alone opens: 'factor' (may only give the second factor), 'enrol' (may only enrol one) */
  stage: ColumnType<SessionStage, SessionStage | undefined, SessionStage>
  /** when the holder last gave the second factor in this session */
  factor_at: ColumnType<string | null, string | null | undefined, string | null>
  /** the sealed secret of an enrolment this session started and has not confirmed */
  enrol_secret: ColumnType<string | null, string | null | undefined, string | null>
}

export type SessionStage = 'signed_in' | 'factor' | 'enrol'

/** A staff member's confirmed second factor: a TOTP secret, sealed with a key the database never holds. */
export interface StaffFactorsTable {
  staff_id: number
  kind: 'totp'
  /** AES-256-GCM of the secret (api platform/secret-box.ts) */
  secret: string
  enrolled_at: string
  /** the last TOTP time step accepted: a code is good once */
  last_step: ColumnType<number, number | undefined, number>
}

/** Single-use recovery codes, stored as SHA-256 (hex). */
export interface StaffRecoveryCodesTable {
  id: Generated<number>
  staff_id: number
  code_hash: string
  created_at: string
  used_at: string | null
}

export type GrantStatus = 'pending' | 'approved' | 'rejected' | 'cancelled'

/** A change one admin cannot make alone; it waits for a compliance officer other than the one who asked. */
export interface GrantsTable {
  id: Generated<number>
  kind: 'role' | 'setting'
  /** kind 'role': the account and the role it is to get */
  staff_id: number | null
  role: StaffRole | null
  /** kind 'setting': the setting and its value as JSON, with the value it had when asked */
  setting: string | null
  value: string | null
  previous_value: string | null
  status: GrantStatus
  requested_by: number
  requested_at: string
  decided_by: number | null
  decided_at: string | null
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
