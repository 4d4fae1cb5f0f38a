import type { Attachment } from '../layout/AttachmentsCard'
export const TYPES = ['edit', 'erasure', 'access'] as const
export const STATUSES = ['pending', 'completed', 'rejected', 'cancelled'] as const
export const DUE = ['overdue', 'this_week', 'later'] as const
export type RequestType = (typeof TYPES)[number]
export type RequestStatus = (typeof STATUSES)[number]
export type RequestAction = 'approve' | 'reject' | 'cancel' | 'extend'

/** react-admin choices whose names are i18n keys under verity.requests.<group>. */
export const choicesOf = (group: string, ids: readonly string[]) => ids.map((id) => ({ id, name: `verity.requests.${group}.${id}` }))

/** An address in an edit: its id and the fields to change, by the addresses table's column names. */
export interface AddressChange {
  id: number
  label?: string
  recipient_name?: string
  line1?: string
  line2?: string | null
  city?: string
  region?: string
  postal_code?: string | null
  country?: string
  phone?: string | null
  is_default?: true
}

/**
 * The customer's account fields in the order a person of the console's language reads a name: family name first in
 * Chinese (as personName in api/src/platform/masking.ts writes it), given name first otherwise.
 */
export const accountFields = (locale: string) =>
  (locale.startsWith('zh') ? ['last_name', 'first_name', 'email', 'phone'] : ['first_name', 'last_name', 'email', 'phone']) as readonly (
    'first_name' | 'last_name' | 'email' | 'phone'
  )[]

/** An edit request's changes, by the customers table's column names: only what changes. */
export interface EditChanges {
  first_name?: string
  last_name?: string
  email?: string
  phone?: string
  marketing_opt_in?: boolean
  addresses?: AddressChange[]
  payment_methods?: { id: number; remove: true }[]
}

/** A row of GET /api/requests. */
export interface RequestRow {
  id: number
  customer_id: number
  /** masked, as on a masked record */
  customer_name: string
  customer_status: 'active' | 'locked' | 'erased'
  type: RequestType
  status: RequestStatus
  caller: 'customer' | 'guardian' | 'authorised_agent'
  channel: string
  filed_by: number
  filed_by_name: string
  decided_by: number | null
  decided_by_name: string | null
  decided_at: string | null
  created_at: string
  due_at: string | null
  extended_at: string | null
  completed_at: string | null
  /** whole days until due, negative once overdue; null once settled */
  days_left: number | null
  overdue: boolean
}

export interface Recipient {
  id: number
  authority: string
  caseNumber: string
  disclosedAt: string | null
}

export interface ErasureCertificate {
  deleted: Record<string, number>
  anonymised: Record<string, number>
  kept: string[]
}

export interface RequestResult {
  fields?: string[]
  certificate?: ErasureCertificate
  export?: { expires_at: string }
  recipients?: Recipient[]
}

/** GET /api/requests/:id: the row, what it asks and what came of it, its timeline, and the steps open to this user. */
export interface RequestRecord extends RequestRow {
  attachments: Attachment[]
  verification_id: number | null
  changes: EditChanges | null
  caller_name: string | null
  decision_note: string | null
  extension_reason: string | null
  result: RequestResult | null
  timeline: { id: number; at: string; action: string; staff_name: string | null }[]
  actions: RequestAction[]
}
