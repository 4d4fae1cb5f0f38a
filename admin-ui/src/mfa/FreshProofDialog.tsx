import { Dialog, DialogContent, DialogContentText, DialogTitle } from '@mui/material'
import { useEffect, useRef, useState } from 'react'
import { useTranslate } from 'react-admin'
import { httpClient } from '../httpClient'
import { CodeForm } from './CodeForm'
import { FreshProofDeclined, registerFreshProofAsker } from './freshProof'
import { useRecoveryCodesLeft } from './useRecoveryCodesLeft'

/**
 * Asks for the authenticator code again when a dangerous act needs fresh proof (httpClient), saying why; the code goes
 * to POST /api/auth/mfa and the act is then repeated. Cancel (or Escape) makes the act fail. Mounted once, in the
 * console's layout.
 */
export function FreshProofDialog() {
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const answer = useRef<{ resolve: () => void; reject: (e: Error) => void } | null>(null)

  useEffect(
    () =>
      registerFreshProofAsker(
        () =>
          new Promise<void>((resolve, reject) => {
            answer.current = { resolve, reject }
            setOpen(true)
          }),
      ),
    [],
  )

  const finish = (given: boolean) => {
    const pending = answer.current
    answer.current = null
    setOpen(false)
    if (given) pending?.resolve()
    else pending?.reject(new FreshProofDeclined())
  }

  const recoveryCodesLeft = useRecoveryCodesLeft()
  const prove = async (code: string) => {
    const { json } = await httpClient('/api/auth/mfa', { method: 'POST', body: JSON.stringify({ code }) })
    finish(true)
    recoveryCodesLeft((json as { recoveryCodesLeft?: number | null }).recoveryCodesLeft)
  }

  return (
    <Dialog
      open={open}
      onClose={() => finish(false)}
      aria-labelledby="fresh-proof-title"
      aria-describedby="fresh-proof-body"
      fullWidth
      maxWidth="xs"
    >
      <DialogTitle id="fresh-proof-title">{translate('verity.mfa.fresh.title')}</DialogTitle>
      <DialogContent>
        <DialogContentText id="fresh-proof-body" sx={{ mb: 2 }}>
          {translate('verity.mfa.fresh.body')}
        </DialogContentText>
        {open && <CodeForm recovery submitLabel="verity.mfa.fresh.submit" onSubmit={prove} onCancel={() => finish(false)} />}
      </DialogContent>
    </Dialog>
  )
}
