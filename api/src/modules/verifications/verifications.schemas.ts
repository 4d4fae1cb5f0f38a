import { REQUEST_CALLERS } from '@verity/db'
import { z } from 'zod'
import { recordId } from '../../platform/validation.js'

export const VerificationStart = z
  .strictObject({
    customerId: recordId,
    channel: z.enum(['phone', 'email', 'chat', 'in_person']),
    /** who is calling: the customer (the default), a guardian of a minor, or an agent the customer authorised in writing */
    caller: z.enum(REQUEST_CALLERS).default('customer'),
    callerName: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => v.caller === 'customer' || !!v.callerName, { path: ['callerName'], message: 'Name the guardian or authorised agent' })

export const VerificationAnswers = z.strictObject({
  answers: z
    .array(z.strictObject({ questionId: recordId, value: z.string().max(200) }))
    .min(1, 'Give at least one answer')
    .max(10)
    .refine((answers) => new Set(answers.map((a) => a.questionId)).size === answers.length, 'Each question takes one answer'),
})

export const VerificationIdParam = z.object({ id: recordId })

export const CodeSend = z.strictObject({ channel: z.enum(['email', 'sms']) })
export const CodeCheck = z.strictObject({ code: z.string().trim().min(1, 'Required').max(20) })

export const VerificationFilter = z.strictObject({
  customer_id: recordId.optional(),
  staff_id: recordId.optional(),
  status: z.enum(['pending', 'verified', 'failed', 'locked', 'expired', 'superseded']).optional(),
})
