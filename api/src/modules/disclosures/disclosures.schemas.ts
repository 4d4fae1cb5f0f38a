import { DATA_CATEGORIES } from '@verity/db'
import { z } from 'zod'
import { isoDayOrInstant, recordId } from '../../platform/validation.js'

export const DISCLOSURE_TYPES = ['subpoena', 'search_warrant', 'court_order', 'emergency', 'preservation', 'regulator', 'other'] as const
export const OUTCOMES = ['rejected', 'no_data', 'non_content', 'content'] as const
export const OPEN_STATUSES = ['received', 'under_review'] as const
export const STATUSES = [...OPEN_STATUSES, 'disclosed', 'partially_disclosed', 'no_data', 'rejected', 'withdrawn'] as const

const when = isoDayOrInstant().transform((v) => new Date(v).toISOString())
const text = (max: number) => z.string().trim().min(1, 'Required').max(max)
const categories = z
  .array(z.enum(DATA_CATEGORIES))
  .max(DATA_CATEGORIES.length)
  .refine((a) => new Set(a).size === a.length, 'Each category once')
const subjectIds = z.array(recordId).min(1, 'At least one customer').max(500)
/** Subjects as a lookup by identifier matched them (`match`); a customer already on the record may come without one. */
const subjects = z
  .array(z.strictObject({ customerId: recordId, match: z.string().max(1000).optional() }))
  .min(1, 'At least one customer')
  .max(500)

/** The fields a record is made of; creation, edits of open records and amendments all validate with them. */
const fields = {
  type: z.enum(DISCLOSURE_TYPES),
  authority: text(200),
  requestingOfficer: z.string().trim().max(200).nullable(),
  jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'An ISO 3166 alpha-2 country code'),
  legalBasis: text(500),
  caseNumber: text(100),
  receivedAt: when,
  dueAt: when.nullable(),
  categoriesRequested: categories,
  emergencyJustification: z.string().trim().max(2000).nullable(),
  nondisclosureUntil: when.nullable(),
  holdRequested: z.boolean(),
}

export const DisclosureCreate = z
  .strictObject({
    ...fields,
    requestingOfficer: fields.requestingOfficer.optional(),
    dueAt: fields.dueAt.optional(),
    categoriesRequested: fields.categoriesRequested.default([]),
    emergencyJustification: fields.emergencyJustification.optional(),
    nondisclosureUntil: fields.nondisclosureUntil.optional(),
    holdRequested: fields.holdRequested.default(false),
    subjectIds: subjectIds.optional(),
    subjects: subjects.optional(),
  })
  .refine((d) => d.subjectIds !== undefined || d.subjects !== undefined, { path: ['subjects'], message: 'At least one customer' })
  .refine((d) => d.type !== 'emergency' || !!d.emergencyJustification, {
    path: ['emergencyJustification'],
    message: 'An emergency disclosure records why it could not wait for legal process',
  })

export const DisclosureUpdate = z.strictObject({ ...fields, subjectIds, subjects }).partial()

export const SubjectLookup = z.strictObject({ identifier: z.string().trim().min(1, 'Required').max(200) })

export const DisclosureClose = z.strictObject({
  outcome: z.enum(OUTCOMES),
  categoriesProduced: categories.optional(),
  partial: z.boolean().optional(),
  note: z.string().trim().max(2000).optional(),
})

/** What a correction may name: a record's fields under the names the record shows them by, less its type and hold. */
const AmendableFields = z
  .strictObject({ ...fields, categoriesProduced: categories, outcome: z.enum(OUTCOMES) })
  .omit({ type: true, holdRequested: true })
  .partial()
export type AmendedFields = z.output<typeof AmendableFields>
export const AMENDABLE = Object.keys(AmendableFields.shape) as (keyof AmendedFields)[]

export const Amendment = z.strictObject({
  reason: text(2000),
  changes: AmendableFields.refine((c) => Object.keys(c).length > 0, 'Name at least one corrected field'),
})

export const Note = z.strictObject({ note: text(2000) })
export const NoticeRecord = z
  .strictObject({ given: z.boolean(), note: z.string().trim().max(2000).optional() })
  .refine((n) => n.given || !!n.note, {
    path: ['note'],
    message: 'Say why the customer was not notified',
  })

export const DisclosureFilter = z.strictObject({
  q: z.string().trim().max(100).optional(),
  status: z.enum(STATUSES).optional(),
  type: z.enum(DISCLOSURE_TYPES).optional(),
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  customerId: recordId.optional(),
  queue: z.enum(['open', 'notice_due', 'review_due', 'holds']).optional(),
  id: z.union([recordId, z.array(recordId).max(500)]).optional(),
})

/** The list's sort fields, named as the records show them. */
export const SORTABLE = ['id', 'receivedAt', 'dueAt', 'status', 'type'] as const
export type DisclosureSort = (typeof SORTABLE)[number]

export const IdParam = z.object({ id: recordId })
export const AttachmentParam = z.object({ id: recordId, attachmentId: recordId })
