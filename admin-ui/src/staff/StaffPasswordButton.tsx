import KeyIcon from '@mui/icons-material/Key'
import { Button } from '@mui/material'
import { useState } from 'react'
import { useDataProvider, useGetIdentity, useNotify, useRecordContext, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { ConfirmDialog } from '../layout/ConfirmDialog'

/**
 * Resets a staff member's password: after a confirmation naming what follows, the server makes the current password
 * unusable, ends their sessions and emails them a set-password link. The admin never sees or chooses a password.
 * Not offered on one's own account.
 */
export function StaffPasswordButton() {
  const record = useRecordContext<{ id: number; name: string }>()
  const notify = useNotify()
  const translate = useTranslate()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const [open, setOpen] = useState(false)
  const [sending, setSending] = useState(false)
  const { identity } = useGetIdentity()
  // one's own password is changed from one's profile, knowing the current one (the API refuses this reset)
  if (!record || identity?.id === record.id) return null

  const send = async () => {
    setSending(true)
    try {
      const { recipient } = await dataProvider.post<{ recipient: string }>(`staff/${record.id}/password`, {})
      notify('verity.staff.link_sent', { type: 'success', messageArgs: { recipient } })
      setOpen(false)
    } catch (e) {
      notify(e instanceof Error ? e.message : 'ra.notification.http_error', { type: 'error' })
    } finally {
      setSending(false)
    }
  }

  return (
    <>
      <Button startIcon={<KeyIcon />} onClick={() => setOpen(true)}>
        {translate('verity.staff.send_link')}
      </Button>
      {open && (
        <ConfirmDialog
          title={translate('verity.staff.send_link_title', { name: record.name })}
          confirmLabel={translate('verity.staff.send_link_confirm')}
          danger
          busy={sending}
          onConfirm={send}
          onClose={() => setOpen(false)}
        >
          {translate('verity.staff.send_link_body')}
        </ConfirmDialog>
      )}
    </>
  )
}
