/** A customer a record concerns, masked, with how the legal process named them (null: logged before this was kept). */
export interface DisclosureSubject {
  id: number
  name: string
  country: string | null
  status: string
  matchKind: string | null
  matchMasked: string | null
}

/** The steps the server would take on the record from this officer now (GET /api/disclosures/:id answers them). */
export type DisclosureAction =
  'edit' | 'review' | 'close' | 'disclose' | 'withdraw' | 'amend' | 'attach' | 'notice' | 'post_review' | 'release_hold'

/** A disclosure record as the API answers it: one camelCase name per field, the same names its inputs take. */
export interface DisclosureRecord {
  id: number
  type: string
  status: string
  open: boolean
  authority: string
  requestingOfficer: string | null
  jurisdiction: string
  legalBasis: string
  caseNumber: string
  receivedAt: string
  dueAt: string | null
  categoriesRequested: string[]
  categoriesProduced: string[]
  outcome: string | null
  partial: boolean
  emergencyJustification: string | null
  nondisclosureUntil: string | null
  customerNotifiedAt: string | null
  noticeNote: string | null
  noticeDue: boolean
  holdRequested: boolean
  statusNote: string | null
  postReviewAt: string | null
  postReviewNote: string | null
  postReviewByName: string | null
  createdByName: string | null
  reviewedByName: string | null
  disclosedByName: string | null
  disclosedAt: string | null
  closedAt: string | null
  subjectIds: number[]
  subjects: DisclosureSubject[]
  actions: DisclosureAction[]
  holds: { id: number; customerId: number; placedAt: string; releasedAt: string | null; releaseReason: string | null }[]
  amendments: { id: number; reason: string; changes: Record<string, unknown>; createdAt: string; staffName: string }[]
  attachments: { id: number; filename: string; contentType: string; size: number; sha256: string; createdAt: string }[]
}
