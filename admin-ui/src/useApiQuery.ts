import { useQuery } from '@tanstack/react-query'
import { useDataProvider } from 'react-admin'
import type { VerityDataProvider } from './dataProvider'

/** A GET of the API that is not a simple-rest resource (a record page, a report), cached under its own key. */
export function useApiQuery<T>(
  key: readonly unknown[],
  path: string,
  options: { refetchOnWindowFocus?: boolean; staleTime?: number } = {},
) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  return useQuery({ queryKey: key, queryFn: () => dataProvider.fetch<T>(path), ...options })
}
