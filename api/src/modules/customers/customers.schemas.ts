import { z } from 'zod'
import { idFilter } from '../../platform/list.js'
import { recordId } from '../../platform/validation.js'

export const CustomerFilter = z.strictObject({
  q: z.string().trim().max(200).optional().describe('email, phone, name, order number or customer id'),
  status: z.enum(['active', 'locked', 'erased']).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'An ISO 3166 alpha-2 code')
    .optional(),
  id: idFilter.optional(),
})

export const CustomerIdParam = z.object({ id: recordId })
