import { useQuery } from '@tanstack/react-query'
import { useDataProvider } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

export type Due = 'overdue' | 'this_week' | 'later'
export const DUE: Due[] = ['overdue', 'this_week', 'later']

/** GET /api/dashboard: only the counts the signed-in role may see (api/src/modules/dashboard). */
export type DashboardCounts = {
  role: string
  requests?: Record<Due, number>
  disclosures?: { notice_due: number; review_due: number; holds: number }
  outbox?: { failed: number }
  flags?: { open: number; kinds: Record<string, number> }
  staff?: { active: number; disabled: number }
  /** compliance and admin: role grants and setting changes waiting for a compliance officer's approval */
  grants?: { pending: number }
}

/** Counted afresh whenever the dashboard is opened: the queues change under everyone's hands. */
export function useDashboard(enabled: boolean) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  return useQuery({ queryKey: ['dashboard'], queryFn: () => dataProvider.fetch<DashboardCounts>('dashboard'), enabled, staleTime: 0 })
}
