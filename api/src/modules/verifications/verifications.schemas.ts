import { z } from 'zod'

export const VerificationStart = z.strictObject({
  customerId: z.coerce.number().int().positive(),
  channel: z.enum(['phone', 'email', 'chat', 'in_person']),
})

export const VerificationAnswers = z.strictObject({
  answers: z
    .array(z.strictObject({ questionId: z.coerce.number().int().positive(), value: z.string().max(200) }))
    .min(1, 'Give at least one answer')
    .max(10),
})

export const VerificationIdParam = z.object({ id: z.coerce.number().int().positive() })
