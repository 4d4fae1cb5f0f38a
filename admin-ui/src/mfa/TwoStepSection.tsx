import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Dialog,
  DialogContent,
  DialogTitle,
  Skeleton,
  type Theme,
  Typography,
  useMediaQuery,
} from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useNotify, useTranslate } from 'react-admin'
import type { Me } from '../authProvider'
import { httpClient } from '../httpClient'
import { useApiQuery } from '../useApiQuery'
import { Enrolment } from './Enrolment'
import { RecoveryCodes } from './RecoveryCodes'
import { ConfirmDialog } from '../layout/ConfirmDialog'

type Open = null | 'enrol' | 'renew' | { recoveryCodes: string[] }

/**
 * "Two-step sign-in" on one's profile: whether it is on and whether the role must use it; setting it up (or up again,
 * on a new phone) with the enrolment of sign-in; and a new set of recovery codes. Both need the code given recently
 * when a factor is on (the fresh-proof dialog asks for it).
 */
export function TwoStepSection() {
  const translate = useTranslate()
  const notify = useNotify()
  const queryClient = useQueryClient()
  const phone = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const { data: me, isPending, error } = useApiQuery<Me>(['auth', 'me', 'factor'], 'auth/me')
  const [open, setOpen] = useState<Open>(null)
  const [confirmed, setConfirmed] = useState(false)
  const [renewing, setRenewing] = useState(false)

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['auth', 'me', 'factor'] }),
      // setting up a factor ends one's other sessions
      queryClient.invalidateQueries({ queryKey: ['sessions'] }),
    ])

  const closeEnrolment = () => {
    setOpen(null)
    setConfirmed(false)
  }

  const renew = async () => {
    setRenewing(true)
    try {
      const { json } = await httpClient('/api/auth/recovery-codes', { method: 'POST', body: '{}' })
      setOpen(json as { recoveryCodes: string[] })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      notify(message, { type: 'error', messageArgs: { _: message } })
      setOpen(null)
    } finally {
      setRenewing(false)
    }
  }

  const on = me?.factor === 'totp'
  return (
    <Card sx={{ mt: 2 }} component="section" aria-labelledby="two-step-heading">
      <CardContent>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
          <Typography id="two-step-heading" component="h2" variant="h6">
            {translate('verity.mfa.profile.title')}
          </Typography>
          {me && (
            <Chip
              size="small"
              color={on ? 'success' : 'default'}
              label={translate(on ? 'verity.mfa.profile.on' : 'verity.mfa.profile.off')}
            />
          )}
        </Box>
        {isPending ? (
          <Skeleton width="60%" />
        ) : error || !me ? (
          <Alert severity="error">{translate('verity.mfa.profile.error')}</Alert>
        ) : (
          <>
            <Typography variant="body2" sx={{ mt: 1 }}>
              {translate(on ? 'verity.mfa.profile.status_on' : 'verity.mfa.profile.status_off')}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
              {translate(me.factorRequired ? 'verity.mfa.profile.required' : 'verity.mfa.profile.optional')}
            </Typography>
            <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, mt: 2 }}>
              <Button variant={on ? 'outlined' : 'contained'} onClick={() => setOpen('enrol')}>
                {translate(on ? 'verity.mfa.profile.set_up_again' : 'verity.mfa.profile.set_up')}
              </Button>
              {on && (
                <Button variant="outlined" onClick={() => setOpen('renew')}>
                  {translate('verity.mfa.profile.new_codes')}
                </Button>
              )}
            </Box>
          </>
        )}
      </CardContent>

      {open === 'enrol' && (
        <Dialog
          open
          // once confirmed, the recovery codes on screen are shown this once: only "Done" (after ticking) closes it
          onClose={confirmed ? undefined : closeEnrolment}
          aria-labelledby="two-step-enrol-title"
          fullWidth
          maxWidth="sm"
          fullScreen={phone}
        >
          <DialogTitle id="two-step-enrol-title">
            {translate(confirmed ? 'verity.mfa.recovery.title' : on ? 'verity.mfa.profile.again_title' : 'verity.mfa.profile.enrol_title')}
          </DialogTitle>
          <DialogContent>
            <Enrolment
              intro={
                on ? (
                  <Alert severity="warning" role="note">
                    {translate('verity.mfa.profile.again_warning')}
                  </Alert>
                ) : undefined
              }
              doneLabel="verity.mfa.profile.done"
              onConfirmed={() => setConfirmed(true)}
              onCancel={closeEnrolment}
              onDone={() => {
                closeEnrolment()
                notify('verity.mfa.profile.enrolled', { type: 'success' })
                void refresh()
              }}
            />
          </DialogContent>
        </Dialog>
      )}

      {open === 'renew' && (
        <ConfirmDialog
          title={translate('verity.mfa.profile.new_codes_title')}
          confirmLabel={translate('verity.mfa.profile.new_codes_confirm')}
          busy={renewing}
          onConfirm={() => void renew()}
          onClose={() => setOpen(null)}
        >
          {translate('verity.mfa.profile.new_codes_body')}
        </ConfirmDialog>
      )}

      {open && typeof open === 'object' && (
        <Dialog open aria-labelledby="two-step-codes-title" fullWidth maxWidth="sm" fullScreen={phone}>
          <DialogTitle id="two-step-codes-title">{translate('verity.mfa.recovery.title')}</DialogTitle>
          <DialogContent>
            <RecoveryCodes codes={open.recoveryCodes} doneLabel="verity.mfa.profile.done" onDone={() => setOpen(null)} />
          </DialogContent>
        </Dialog>
      )}
    </Card>
  )
}
