import { DATA_REQUEST_STATUSES, DATA_REQUEST_TYPES, REQUEST_CALLERS } from '@verity/db'
import { z } from 'zod'
import { idFilter } from '../../platform/list.js'
import { idNumber, isoDay, recordId } from '../../platform/validation.js'

const text = (max: number) => z.string().trim().min(1, 'Required').max(max)
/** A phone number as the store keeps them: its country code and 8–15 digits. */
export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+[\d\s().-]+$/, 'A phone number with its country code, e.g. +86 138 1234 5678')
  .refine((p) => {
    const digits = p.replace(/\D/g, '').length
    return digits >= 8 && digits <= 15
  }, 'A phone number has 8 to 15 digits')
const PostalCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, 'A postal code: letters, digits, spaces or dashes')

const AddressChange = z
  .strictObject({
    id: idNumber,
    label: text(40).optional(),
    recipient_name: text(200).optional(),
    line1: text(200).optional(),
    line2: z.string().trim().max(200).nullable().optional(),
    city: text(100).optional(),
    region: text(100).optional(),
    postal_code: PostalCode.nullable().optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'An ISO 3166 alpha-2 code')
      .optional(),
    phone: PhoneNumber.nullable().optional(),
    is_default: z.literal(true).optional(),
  })
  .refine((a) => Object.keys(a).length > 1, 'Name at least one field to change')

/** An edit request's changes, by the customers table's column names; saved cards can only be removed. */
export const EditChanges = z
  .strictObject({
    first_name: text(100).optional(),
    last_name: text(100).optional(),
    email: z
      .email('An email address')
      .max(254)
      .transform((e) => e.toLowerCase())
      .optional(),
    phone: PhoneNumber.optional(),
    marketing_opt_in: z.boolean().optional(),
    addresses: z
      .array(AddressChange)
      .min(1)
      .max(20)
      .refine((a) => new Set(a.map((x) => x.id)).size === a.length, 'Each address once')
      .optional(),
    payment_methods: z
      .array(z.strictObject({ id: idNumber, remove: z.literal(true) }))
      .min(1)
      .max(20)
      .refine((a) => new Set(a.map((x) => x.id)).size === a.length, 'Each card once')
      .optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'Name at least one change')
export type EditChanges = z.output<typeof EditChanges>

export const RequestChannel = z.enum(['phone', 'chat', 'email', 'in_person', 'written'])

export const RequestCreate = z
  .strictObject({
    customerId: recordId,
    type: z.enum(DATA_REQUEST_TYPES),
    /** the passed verification of the caller this request is filed for; required of agents */
    verificationId: recordId.optional(),
    caller: z.enum(REQUEST_CALLERS).default('customer'),
    /** the guardian's or authorised agent's name, when the caller is not the customer */
    callerName: text(200).optional(),
    channel: RequestChannel.optional(),
    /** the day a request in writing arrived (YYYY-MM-DD): its deadline runs from then */
    receivedAt: isoDay('A date, YYYY-MM-DD').optional(),
    changes: EditChanges.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.type === 'edit' && !r.changes) ctx.addIssue({ code: 'custom', path: ['changes'], message: 'An edit request carries its changes' })
    if (r.type !== 'edit' && r.changes) ctx.addIssue({ code: 'custom', path: ['changes'], message: 'Only an edit request carries changes' })
    if (r.caller !== 'customer' && !r.callerName) {
      ctx.addIssue({ code: 'custom', path: ['callerName'], message: 'Name the guardian or authorised agent' })
    }
  })
export type RequestCreate = z.output<typeof RequestCreate>

export const RequestReason = z.strictObject({ reason: text(1000).min(5, 'Say why, in a few words') })
export const RequestCancel = z.strictObject({ reason: z.string().trim().max(1000).optional() })

export const RequestFilter = z.strictObject({
  status: z.enum(DATA_REQUEST_STATUSES).optional(),
  type: z.enum(DATA_REQUEST_TYPES).optional(),
  customer_id: recordId.optional(),
  /** overdue: open past its due date; this_week: open and due within seven days; later: open and due after that */
  due: z.enum(['overdue', 'this_week', 'later']).optional(),
  id: idFilter.optional(),
})

export const RequestIdParam = z.object({ id: recordId })
export const AttachmentParam = z.object({ id: recordId, attachmentId: recordId })
