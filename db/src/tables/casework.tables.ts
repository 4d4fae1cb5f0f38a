import type { ColumnType, Generated, Selectable } from 'kysely'

export const VERIFICATION_FIELDS = ['birth_date', 'postal_code', 'phone_last4', 'email', 'order_number', 'card_last4'] as const
export type VerificationField = (typeof VERIFICATION_FIELDS)[number]
/** superseded: another verification was opened for the same customer, which ends this one */
export type VerificationStatus = 'pending' | 'verified' | 'failed' | 'locked' | 'expired' | 'superseded'

export interface VerificationsTable {
  id: Generated<number>
  customer_id: number
  staff_id: number
  channel: string
  status: ColumnType<VerificationStatus, VerificationStatus | undefined, VerificationStatus>
  created_at: string
  expires_at: string
  completed_at: string | null
  /** end of the unmask window a pass opens for this staff member and customer */
  unmasked_until: string | null
  /** who called: the customer, a guardian of a minor, or an agent the customer authorised */
  caller: ColumnType<RequestCaller, RequestCaller | undefined, RequestCaller>
  caller_name: string | null
}

/** Per-question results only: the answers themselves are never stored. */
export interface VerificationQuestionsTable {
  id: Generated<number>
  verification_id: number
  position: number
  field: VerificationField
  /** null until answered, then 0 or 1 */
  matched: number | null
  answered_at: string | null
}

export const DATA_REQUEST_TYPES = ['edit', 'erasure', 'access'] as const
export type DataRequestType = (typeof DATA_REQUEST_TYPES)[number]
/** pending until a compliance officer other than the filer approves (which carries it out: completed) or rejects it */
export const DATA_REQUEST_STATUSES = ['pending', 'completed', 'rejected', 'cancelled'] as const
export type DataRequestStatus = (typeof DATA_REQUEST_STATUSES)[number]
/** who called: the customer, a guardian of a minor, or an agent the customer authorised in writing */
export const REQUEST_CALLERS = ['customer', 'guardian', 'authorised_agent'] as const
export type RequestCaller = (typeof REQUEST_CALLERS)[number]

export interface DataRequestsTable {
  id: Generated<number>
  customer_id: number
  type: DataRequestType
  status: ColumnType<DataRequestStatus, DataRequestStatus | undefined, DataRequestStatus>
  verification_id: number | null
  /** JSON of the requested field changes (edit requests) */
  changes: string | null
  filed_by: number
  decided_by: number | null
  decided_at: string | null
  decision_note: string | null
  completed_at: string | null
  created_at: string
  updated_at: string
  due_at: string | null
  extended_at: string | null
  extension_reason: string | null
  caller: ColumnType<RequestCaller, RequestCaller | undefined, RequestCaller>
  caller_name: string | null
  /** phone, chat, email, in_person (through an agent) or written (filed by compliance) */
  channel: ColumnType<string, string | undefined, string>
  /** JSON: what completing it did (fields changed, the erasure certificate, the export) — names and counts, no values */
  result: string | null
}

/** A file kept with a request: an authorised agent's written permission, a letter received. */
export interface RequestAttachmentsTable {
  id: Generated<number>
  request_id: number
  filename: string
  content_type: string
  size: number
  sha256: string
  content: Buffer
  uploaded_by: number
  created_at: string
}

/** An access request's export, fetched through a link sent to the customer; only the token's hash is kept. */
export interface RequestExportsTable {
  id: Generated<number>
  request_id: number
  token_hash: string
  /** JSON of everything held about the customer */
  content: string
  created_at: string
  expires_at: string
  downloaded_at: string | null
}

export type DisclosureType = 'subpoena' | 'search_warrant' | 'court_order' | 'emergency' | 'preservation' | 'regulator' | 'other'
export type DisclosureOutcome = 'rejected' | 'no_data' | 'non_content' | 'content'
export type DisclosureStatus = 'received' | 'under_review' | 'disclosed' | 'partially_disclosed' | 'no_data' | 'rejected' | 'withdrawn'
export const DATA_CATEGORIES = ['identity', 'contact', 'addresses', 'payment', 'orders', 'technical_logs'] as const
export type DataCategory = (typeof DATA_CATEGORIES)[number]

export interface DisclosuresTable {
  id: Generated<number>
  type: DisclosureType
  status: DisclosureStatus
  authority: string
  requesting_officer: string | null
  jurisdiction: string
  legal_basis: string
  case_number: string
  received_at: string
  due_at: string | null
  /** JSON arrays of data categories */
  categories_requested: string | null
  categories_produced: string | null
  outcome: DisclosureOutcome | null
  partial: number
  emergency_justification: string | null
  nondisclosure_until: string | null
  customer_notified_at: string | null
  notice_note: string | null
  created_by: number
  reviewed_by: number | null
  disclosed_by: number | null
  disclosed_at: string | null
  created_at: string
  updated_at: string
  closed_at: string | null
  /** 0 or 1: the request asks for its subjects' data to be preserved */
  hold_requested: ColumnType<number, number | undefined, number>
  status_note: string | null
  post_review_at: string | null
  post_review_by: number | null
  post_review_note: string | null
  /** 0 or 1: data released by the officer who logged the record, with no other officer active to do it */
  lone_officer_release: ColumnType<number, number | undefined, number>
}

export interface LegalHoldsTable {
  id: Generated<number>
  disclosure_id: number
  customer_id: number
  placed_at: string
  placed_by: number
  released_at: string | null
  released_by: number | null
  release_reason: string | null
}

/** Files received or produced, kept with their SHA-256; never inlined in lists. */
export interface DisclosureAttachmentsTable {
  id: Generated<number>
  disclosure_id: number
  filename: string
  content_type: string
  size: number
  sha256: string
  content: Buffer
  uploaded_by: number
  created_at: string
}

export interface DisclosureSubjectsTable {
  disclosure_id: number
  customer_id: number
  /** what the legal process named them by: email, phone, id or order_number (null: logged before this was kept) */
  match_kind: string | null
  /** that identifier masked for the record (`w***@163.com`), never the identifier itself */
  match_masked: string | null
  /** the lookup a match came from (a digest of its token): one lookup names a subject on one record only */
  match_ref: string | null
}

export interface DisclosureAmendmentsTable {
  id: Generated<number>
  disclosure_id: number
  staff_id: number
  reason: string
  /** JSON of the corrected fields */
  changes: string
  created_at: string
}

export interface SettingsTable {
  key: string
  /** JSON */
  value: string
  updated_at: string
  updated_by: number | null
}

export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'recorded'

export interface OutboxTable {
  id: Generated<number>
  customer_id: number | null
  channel: 'email' | 'sms'
  template: string
  recipient: string
  /** JSON of template variables; one-time codes are never stored here in clear */
  payload: string
  subject: string | null
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>
  attempts: ColumnType<number, number | undefined, number>
  last_error: string | null
  created_at: string
  sent_at: string | null
}

export type Verification = Selectable<VerificationsTable>
export type VerificationQuestion = Selectable<VerificationQuestionsTable>
export type DataRequest = Selectable<DataRequestsTable>
export type Disclosure = Selectable<DisclosuresTable>
export type OutboxMessage = Selectable<OutboxTable>

/**
 * verification_locked: a customer's verifications kept failing (social-engineering signal); agent_probing: an agent opened
 * verifications for many customers without passing one; agent_failing: an agent's verifications failed across several
 * customers; search_rate: an agent searched faster than the configured rate. The two agent_ kinds stop the agent from
 * opening verifications until compliance resolves them. underage_account: a customer under 13 (the store has no accounts for
 * them); minor_without_consent: a customer of 13 to 17 with no guardian's consent on file (docs/design.md promise 9).
 */
export const FLAG_KINDS = [
  'verification_locked',
  'agent_probing',
  'agent_failing',
  'search_rate',
  'underage_account',
  'minor_without_consent',
] as const
export type FlagKind = (typeof FLAG_KINDS)[number]

/** Signals for compliance to look at and resolve. */
export interface FlagsTable {
  id: Generated<number>
  kind: FlagKind
  customer_id: number | null
  staff_id: number | null
  /** JSON: counts and ids, never personal values */
  details: string
  created_at: string
  resolved_at: string | null
  resolved_by: number | null
  resolution: string | null
}

/** A compliance officer's written-reason access to one customer, for a limited time. */
export interface UnmaskGrantsTable {
  id: Generated<number>
  staff_id: number
  customer_id: number
  reason: string
  created_at: string
  expires_at: string
}

export interface VerificationCodesTable {
  id: Generated<number>
  verification_id: number
  channel: 'email' | 'sms'
  /** salted SHA-256 of the six digits: the code itself is only in the message */
  code_hash: string
  attempts: ColumnType<number, number | undefined, number>
  created_at: string
  expires_at: string
  confirmed_at: string | null
}

export interface PasswordResetTokensTable {
  id: Generated<number>
  customer_id: number
  token_hash: string
  requested_by: number
  created_at: string
  expires_at: string
  used_at: string | null
}

export type Flag = Selectable<FlagsTable>

/** The kind of identifier an agent's search found a customer by (email, phone, order_number, id, name). */
export interface SearchHitsTable {
  id: Generated<number>
  staff_id: number
  customer_id: number
  kind: string
  at: string
}

export type VerificationFailureKind = 'answers' | 'code'

export interface VerificationFailuresTable {
  id: Generated<number>
  verification_id: number
  customer_id: number
  staff_id: number
  kind: VerificationFailureKind
  at: string
}

export interface RateCountersTable {
  key: string
  window_started_at: string
  count: number
}
