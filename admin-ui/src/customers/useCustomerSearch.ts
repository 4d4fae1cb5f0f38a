import { useGetList } from 'react-admin'

export interface MaskedCustomer {
  id: number
  name: string
  email: string | null
  phone: string | null
  city: string | null
  country: string | null
  status: 'active' | 'locked' | 'erased'
  masked: true
}

/** Searches only once there is something to search for: the API refuses an empty search from agents. */
export function useCustomerSearch(q: string) {
  const text = q.trim()
  return useGetList<MaskedCustomer>(
    'customers',
    { filter: { q: text }, pagination: { page: 1, perPage: 10 }, sort: { field: 'id', order: 'ASC' } },
    { enabled: text.length > 0, retry: false },
  )
}
