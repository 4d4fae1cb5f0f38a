import PhonelinkEraseIcon from '@mui/icons-material/PhonelinkErase'
import { Button } from '@mui/material'
import { useState } from 'react'
import { useGetIdentity, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin'
import { httpClient } from '../httpClient'
import { ConfirmDialog } from '../layout/ConfirmDialog'

/**
 * Removes a staff member's lost second factor (DELETE /api/staff/:id/factor), after a confirmation naming what
 * follows: their authenticator and recovery codes stop working, their sessions end, and they set up two-step sign-in
 * again at their next sign-in. Offered only where there is a factor, and not on one's own account (one's profile
 * sets up a new one).
 */
export function StaffFactorButton() {
  const record = useRecordContext<{ id: number; name: string; factor?: 'totp' | null }>()
  const translate = useTranslate()
  const notify = useNotify()
  const refresh = useRefresh()
  const { identity } = useGetIdentity()
  const [open, setOpen] = useState(false)
  const [removing, setRemoving] = useState(false)
  if (!record?.factor || identity?.id === record.id) return null

  const remove = async () => {
    setRemoving(true)
    try {
      await httpClient(`/api/staff/${record.id}/factor`, { method: 'DELETE' })
      notify('verity.mfa.staff.removed', { type: 'success', messageArgs: { name: record.name } })
      setOpen(false)
      refresh()
    } catch (e) {
      const message = e instanceof Error ? e.message : ''
      notify(message || 'ra.notification.http_error', { type: 'error', messageArgs: { _: message || undefined } })
    } finally {
      setRemoving(false)
    }
  }

  return (
    <>
      <Button color="error" startIcon={<PhonelinkEraseIcon />} onClick={() => setOpen(true)}>
        {translate('verity.mfa.staff.remove')}
      </Button>
      {open && (
        <ConfirmDialog
          title={translate('verity.mfa.staff.remove_title', { name: record.name })}
          confirmLabel={translate('verity.mfa.staff.remove_confirm')}
          danger
          busy={removing}
          onConfirm={() => void remove()}
          onClose={() => setOpen(false)}
        >
          {translate('verity.mfa.staff.remove_body', { name: record.name })}
        </ConfirmDialog>
      )}
    </>
  )
}
