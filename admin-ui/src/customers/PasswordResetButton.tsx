import SendIcon from '@mui/icons-material/Send'
import { useState } from 'react'
import { Button, Confirm, useDataProvider, useNotify, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

/** The only thing staff can do about a password: send the customer a reset link to the email on file. */
export function PasswordResetButton({ customerId, disabled }: { customerId: number; disabled: boolean }) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const send = async () => {
    setOpen(false)
    try {
      const res = await dataProvider.post<{ recipient: string }>(`customers/${customerId}/password-reset`)
      notify('verity.customer.reset_sent', { type: 'success', messageArgs: { recipient: res.recipient } })
    } catch (e) {
      notify((e as Error).message, { type: 'error' })
    }
  }
  return (
    <>
      <Button
        label="verity.customer.reset_send"
        aria-label={translate('verity.customer.reset_send')}
        variant="contained"
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {/* react-admin's Button shows its child as the icon, alone on a phone's narrow screen (named even when disabled) */}
        <SendIcon />
      </Button>
      <Confirm
        isOpen={open}
        title="verity.customer.reset_send"
        content="verity.customer.reset_confirm"
        onConfirm={() => void send()}
        onClose={() => setOpen(false)}
      />
    </>
  )
}
