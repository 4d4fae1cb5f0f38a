export interface DisclosureRecord {
  id: number
  type: string
  status: string
  open: boolean
  authority: string
  requesting_officer: string | null
  jurisdiction: string
  legal_basis: string
  case_number: string
  received_at: string
  due_at: string | null
  categories_requested: string[]
  categories_produced: string[]
  outcome: string | null
  partial: boolean
  emergency_justification: string | null
  nondisclosure_until: string | null
  customer_notified_at: string | null
  notice_note: string | null
  notice_due: boolean
  hold_requested: boolean
  status_note: string | null
  post_review_at: string | null
  post_review_note: string | null
  post_review_by_name: string | null
  created_by_name: string | null
  reviewed_by_name: string | null
  disclosed_by_name: string | null
  disclosed_at: string | null
  closed_at: string | null
  subjects: { id: number; name: string; country: string | null; status: string }[]
  holds: { id: number; customer_id: number; placed_at: string; released_at: string | null; release_reason: string | null }[]
  amendments: { id: number; reason: string; changes: Record<string, unknown>; created_at: string; staff_name: string }[]
  attachments: { id: number; filename: string; content_type: string; size: number; sha256: string; created_at: string }[]
}
