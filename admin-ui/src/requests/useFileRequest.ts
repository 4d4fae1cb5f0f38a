import { useDataProvider, useGetIdentity, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import type { EditChanges, RequestRecord, RequestType } from './types'

interface Verification {
  id: number
  unmasked_until: string | null
}

/**
 * Filing for the caller this agent verified: the request names that passed verification (the latest of this staff
 * member's for this customer), which the server checks is still inside its window.
 */
export function useFileRequest(customerId: number) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const translate = useTranslate()
  const { identity } = useGetIdentity()

  const verification = async (): Promise<Verification> => {
    const { data } = await dataProvider.getList<Verification>('verifications', {
      filter: { customer_id: customerId, status: 'verified', ...(identity ? { staff_id: identity.id } : {}) },
      sort: { field: 'id', order: 'DESC' },
      pagination: { page: 1, perPage: 1 },
    })
    if (!data[0]) throw new Error(translate('verity.requests.file.no_verification'))
    return data[0]
  }

  return {
    verification,
    /** The questions that verification asked, by field: an edit may not change what they rest on. */
    async askedFields(): Promise<string[]> {
      const v = await verification()
      const full = await dataProvider.fetch<{ questions: { field: string }[] }>(`verifications/${v.id}`)
      return full.questions.map((q) => q.field)
    },
    async file(type: RequestType, changes?: EditChanges): Promise<RequestRecord> {
      const v = await verification()
      return dataProvider.post<RequestRecord>('requests', { customerId, type, verificationId: v.id, ...(changes ? { changes } : {}) })
    },
  }
}
