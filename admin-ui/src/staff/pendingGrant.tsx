import { Alert, Link as MuiLink } from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { type RaRecord, useNotify, useRecordContext, useRedirect, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { AwaitingApprovalChip } from '../grants/GrantChips'
import { PENDING_GRANTS } from '../grants/types'
import { STATUS_CHOICES } from './StaffInputs'

/** A staff account as the API answers a save: a grant of the compliance role waits for a compliance officer. */
interface SavedStaff {
  name: string
  status?: string
  pending_role?: string | null
  pending_grant_id?: number | null
}

/**
 * After creating or saving a staff account: the usual notice, or, when the compliance role was asked for, that it was
 * sent for a compliance officer's approval (a new account stays `pending`, an existing one keeps its role meanwhile).
 */
export function useStaffSaved(done: 'created' | 'updated') {
  const notify = useNotify()
  const redirect = useRedirect()
  const queryClient = useQueryClient()
  return (saved: RaRecord) => {
    const data = saved as RaRecord & SavedStaff
    const waiting = data.status === 'pending' ? 'created_pending' : data.pending_role ? 'role_pending' : null
    if (waiting) {
      notify(`verity.grants.staff.${waiting}`, { type: 'info', messageArgs: { name: data.name } })
      void queryClient.invalidateQueries({ queryKey: ['grants'] })
    } else notify(`ra.notification.${done}`, { type: 'info', messageArgs: { smart_count: 1 } })
    redirect('list', 'staff')
  }
}

/** On a staff account's page: what waits for a compliance officer's approval, with the way to the waiting grants. */
export function PendingRoleNotice() {
  const record = useRecordContext<SavedStaff>()
  const translate = useTranslate()
  if (!record || !(record.status === 'pending' || record.pending_role)) return null
  const key = record.status === 'pending' ? 'verity.grants.staff.account_notice' : 'verity.grants.staff.role_notice'
  return (
    <Alert severity="warning" icon={false} sx={{ mb: 2, maxWidth: '40rem' }}>
      <AwaitingApprovalChip role={record.status === 'pending' ? null : record.pending_role} />{' '}
      {translate(key, { name: record.name, role: translate(`verity.roles.${record.pending_role ?? 'compliance'}`) })}{' '}
      <MuiLink component={Link} to={PENDING_GRANTS}>
        {translate('verity.grants.see_pending')}
      </MuiLink>
    </Alert>
  )
}

/**
 * The statuses an account may be given: one that waits for approval shows as waiting and may be disabled, never made
 * active by hand (it becomes active when a compliance officer approves; the server answers 409 otherwise).
 */
export const statusChoicesFor = (status: string | undefined) =>
  status === 'pending'
    ? [{ id: 'pending', name: 'verity.grants.staff.pending_status' }, ...STATUS_CHOICES.filter((c) => c.id !== 'active')]
    : STATUS_CHOICES

/** A waiting account's status is not the admin's to send back: the API takes only active or disabled. */
export const withoutPendingStatus = (data: RaRecord) => (data.status === 'pending' ? { ...data, status: undefined } : data)
