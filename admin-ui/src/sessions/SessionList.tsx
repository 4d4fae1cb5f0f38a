import { Alert, Box, Button, Chip, Stack, Typography } from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Loading, useLogout, useNotify, useTranslate } from 'react-admin'
import { useAuditText, useDateTime } from '../audit-log/auditText'
import { httpClient } from '../httpClient'
import { ConfirmDialog } from '../layout/ConfirmDialog'
import { useApiQuery } from '../useApiQuery'
import type { Session } from './types'

/** "Firefox on Windows", in the console's language, with words for what the user agent did not say. */
function useDevice() {
  const translate = useTranslate()
  return (s: Session) =>
    translate('verity.sessions.device', {
      browser: s.browser ?? translate('verity.sessions.unknown_browser'),
      os: s.os ?? translate('verity.sessions.unknown_os'),
    })
}

/**
 * The sessions behind `path` (`auth/sessions`, or `staff/:id/sessions` for an admin), each with a button that ends it.
 * Ending another browser asks once, naming who is signed out where; ending this browser's own session signs out at
 * once, as the sign-out item does. `owner` names the staff member when they are not the viewer.
 */
export function SessionList({ path, owner }: { path: string; owner?: string }) {
  const translate = useTranslate()
  const notify = useNotify()
  const logout = useLogout()
  const queryClient = useQueryClient()
  const device = useDevice()
  const dateTime = useDateTime()
  const { address } = useAuditText()
  const key = ['sessions', path]
  const { data, isPending, error } = useApiQuery<Session[]>(key, path)
  const [asking, setAsking] = useState<Session | null>(null)
  const [ending, setEnding] = useState(false)

  async function end(s: Session) {
    setEnding(true)
    try {
      await httpClient(`/api/${path}/${s.id}`, { method: 'DELETE' })
      if (s.current) {
        await logout()
        return
      }
      notify('verity.sessions.ended', { type: 'info', messageArgs: { device: device(s) } })
    } catch (e) {
      // 404: it had ended already (another tab, an admin); the list below shows what is left
      if ((e as { status?: number }).status !== 404) notify((e as Error).message, { type: 'error' })
    } finally {
      setEnding(false)
      setAsking(null)
      await queryClient.invalidateQueries({ queryKey: key })
    }
  }

  if (isPending) return <Loading />
  if (error || !data) return <Alert severity="error">{translate('verity.sessions.error')}</Alert>
  if (data.length === 0) return <Typography>{translate('verity.sessions.none')}</Typography>

  return (
    <>
      <Stack component="ul" spacing={1.5} sx={{ listStyle: 'none', p: 0, m: 0 }}>
        {data.map((s) => {
          const name = device(s)
          const lastSeen = dateTime(s.lastSeenAt)
          return (
            <Box
              component="li"
              key={s.id}
              sx={{
                display: 'flex',
                flexWrap: 'wrap',
                alignItems: 'center',
                gap: 1,
                p: 1.5,
                border: 1,
                borderColor: 'divider',
                borderRadius: 1,
              }}
            >
              <Box sx={{ flex: '1 1 14rem', minWidth: 0 }}>
                <Typography component="h3" variant="subtitle1" sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
                  {name}
                  {s.current && <Chip size="small" color="primary" label={translate('verity.sessions.this_browser')} />}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  {translate('verity.sessions.address')}: {address(s.ip)}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  {translate('verity.sessions.last_seen')}: {lastSeen}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  {translate('verity.sessions.signed_in')}: {dateTime(s.createdAt)}
                </Typography>
              </Box>
              <Button
                variant="outlined"
                color={s.current ? 'primary' : 'error'}
                disabled={ending}
                aria-label={translate(s.current ? 'verity.sessions.sign_out_named' : 'verity.sessions.end_named', {
                  device: name,
                  when: lastSeen,
                })}
                onClick={() => (s.current ? end(s) : setAsking(s))}
              >
                {translate(s.current ? 'verity.sessions.sign_out' : 'verity.sessions.end')}
              </Button>
            </Box>
          )
        })}
      </Stack>
      {asking && (
        <ConfirmDialog
          title={translate('verity.sessions.confirm_title', { device: device(asking) })}
          confirmLabel={translate('verity.sessions.end_confirm')}
          danger
          busy={ending}
          onConfirm={() => end(asking)}
          onClose={() => setAsking(null)}
        >
          {owner
            ? translate('verity.sessions.confirm_staff', { name: owner, device: device(asking) })
            : translate('verity.sessions.confirm_other', { device: device(asking) })}
        </ConfirmDialog>
      )}
    </>
  )
}
