import { Chip } from '@mui/material'
import { useTranslate } from 'react-admin'
import type { GrantStatus } from './types'

const COLOURS: Record<GrantStatus, 'warning' | 'success' | 'error' | 'default'> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'error',
  cancelled: 'default',
}

export function GrantStatusChip({ status }: { status: GrantStatus }) {
  const translate = useTranslate()
  return <Chip component="span" size="small" color={COLOURS[status]} label={translate(`verity.grants.statuses.${status}`)} />
}

/**
 * On a staff account: the role it was asked to get waits for a compliance officer ("Compliance officer: awaiting
 * approval"), or, for a new account, that the account itself waits.
 */
export function AwaitingApprovalChip({ role }: { role?: string | null }) {
  const translate = useTranslate()
  const label = role
    ? translate('verity.grants.staff.pending_role', { role: translate(`verity.roles.${role}`) })
    : translate('verity.grants.staff.pending_status')
  return <Chip component="span" size="small" color="warning" variant="outlined" label={label} />
}
