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
  subjects: { id: number; name: string; country: string | null; status: string }[]
  holds: { id: number; customerId: number; placedAt: string; releasedAt: string | null; releaseReason: string | null }[]
  amendments: { id: number; reason: string; changes: Record<string, unknown>; createdAt: string; staffName: string }[]
  attachments: { id: number; filename: string; contentType: string; size: number; sha256: string; createdAt: string }[]
}
