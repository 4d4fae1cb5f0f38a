import { Alert, Box, Button, Skeleton, Typography } from '@mui/material'
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react'
import { HttpError, useTranslate } from 'react-admin'
import { errorCode, httpClient } from '../httpClient'
import { groupsOfFour } from './codes'
import { CodeForm } from './CodeForm'
import { CopyButton } from './CopyButton'
import { QrCode } from './QrCode'
import { RecoveryCodes } from './RecoveryCodes'

interface Props {
  /** said first: why this is asked (at sign-in, that the role must use two-step sign-in) */
  intro?: ReactNode
  /** i18n key of the button that leaves once the recovery codes are saved */
  doneLabel: string
  onDone: () => void
  /** the new factor is in force and its recovery codes are on screen: they must not be closed away unseen */
  onConfirmed?: () => void
  /** offered until the new factor is confirmed */
  onCancel?: () => void
  /** the API no longer knows the session (at sign-in: the ten minutes the password gave ran out) */
  onSignedOut?: () => void
}

type Stage = { secret: string; uri: string } | { recoveryCodes: string[] }

/**
 * Setting up the authenticator app (POST /api/auth/totp, then /totp/confirm): a QR code of the app's link and the
 * key in groups of four for typing by hand, a code from the app to show it works, then the ten recovery codes, once.
 * Used at sign-in (an account whose role must have a factor and has none) and from one's profile.
 */
export function Enrolment({ intro, doneLabel, onDone, onConfirmed, onCancel, onSignedOut }: Props) {
  const translate = useTranslate()
  const [stage, setStage] = useState<Stage | null>(null)
  const [error, setError] = useState<string | null>(null)
  const started = useRef(false)

  const start = useCallback(async () => {
    setError(null)
    try {
      const { json } = await httpClient('/api/auth/totp', { method: 'POST', body: '{}' })
      setStage(json as Stage)
    } catch (e) {
      if (e instanceof HttpError && e.status === 401 && onSignedOut) onSignedOut()
      else setError(e instanceof Error ? e.message : String(e))
    }
  }, [onSignedOut])

  useEffect(() => {
    // once: asking again would replace the secret already on screen (React's strict mode runs effects twice)
    if (started.current) return
    started.current = true
    void start()
  }, [start])

  const confirm = async (code: string) => {
    try {
      const { json } = await httpClient('/api/auth/totp/confirm', { method: 'POST', body: JSON.stringify({ code }) })
      setStage(json as Stage)
      onConfirmed?.()
    } catch (e) {
      if (e instanceof HttpError && e.status === 401 && errorCode(e) !== 'invalid_code' && onSignedOut) {
        onSignedOut()
        return
      }
      throw e
    }
  }

  if (stage && 'recoveryCodes' in stage) return <RecoveryCodes codes={stage.recoveryCodes} doneLabel={doneLabel} onDone={onDone} />

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {intro}
      {error ? (
        <>
          <Alert severity="error" role="alert">
            {error}
          </Alert>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'flex-end', gap: 1 }}>
            {onCancel && <Button onClick={onCancel}>{translate('ra.action.cancel')}</Button>}
            <Button variant="contained" onClick={() => void start()}>
              {translate('verity.mfa.enrol.retry')}
            </Button>
          </Box>
        </>
      ) : (
        <>
          <Typography component="h2" variant="subtitle1" sx={{ fontWeight: 600 }}>
            {translate('verity.mfa.enrol.scan_heading')}
          </Typography>
          <Typography variant="body2">{translate('verity.mfa.enrol.scan')}</Typography>
          <Box sx={{ display: 'flex', justifyContent: 'center' }}>
            {stage ? (
              <QrCode text={stage.uri} label={translate('verity.mfa.enrol.qr_label')} />
            ) : (
              <Skeleton variant="rectangular" width={200} height={200} />
            )}
          </Box>
          <Typography variant="body2">{translate('verity.mfa.enrol.manual')}</Typography>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
            <Typography
              component="code"
              sx={{ fontFamily: 'monospace', fontSize: '1.05rem', letterSpacing: '0.05em', wordSpacing: '0.3em', overflowWrap: 'anywhere' }}
            >
              {stage ? groupsOfFour(stage.secret) : '…'}
            </Typography>
            {stage && <CopyButton text={stage.secret} label="verity.mfa.enrol.copy_key" />}
          </Box>
          <Typography component="h2" variant="subtitle1" sx={{ fontWeight: 600, mt: 1 }}>
            {translate('verity.mfa.enrol.confirm_heading')}
          </Typography>
          <CodeForm autoFocus={false} submitLabel="verity.mfa.enrol.confirm" onSubmit={confirm} onCancel={onCancel} />
        </>
      )}
    </Box>
  )
}
