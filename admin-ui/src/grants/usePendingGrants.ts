import { useCanAccess, useGetList } from 'react-admin'
import type { GrantRow } from './types'

/**
 * The grants still waiting for a compliance officer, for pages that show what is about to change (a setting's value
 * asked for, a staff member's role). Asked only of a role that may list grants.
 */
export function usePendingGrants() {
  const { canAccess } = useCanAccess({ resource: 'grants', action: 'list' })
  const { data } = useGetList<GrantRow>(
    'grants',
    { filter: { status: 'pending' }, pagination: { page: 1, perPage: 100 }, sort: { field: 'requested_at', order: 'DESC' } },
    { enabled: !!canAccess },
  )
  return {
    /** the latest value asked for each setting */
    forSetting: (key: string) => data?.find((g) => g.kind === 'setting' && g.setting === key),
  }
}
