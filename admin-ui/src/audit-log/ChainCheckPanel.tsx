import VerifiedIcon from '@mui/icons-material/VerifiedUser'
import { Alert, Box, Button, Stack, Typography } from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useDataProvider, useNotify, useRefresh, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { useApiQuery } from '../useApiQuery'
import { useDateTime } from './auditText'

/** A chain check as the server keeps it: POST /audit-log/verify returns it, GET /audit-log/verify/latest reads it back. */
interface ChainCheckRun {
  at: string
  by: string | null
  ok: boolean
  checked: number
  firstBroken?: { id: number; reason: string } | null
}

const LATEST = ['audit-log', 'verify', 'latest'] as const

/**
 * Recomputes the whole hash chain on the server and keeps the result on the page: whether it holds (or where it breaks),
 * how many entries it covered, when and by whom. The last run is read back from the server, so a reload still shows it.
 */
export function ChainCheckPanel() {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const queryClient = useQueryClient()
  const notify = useNotify()
  const refresh = useRefresh()
  const translate = useTranslate()
  const when = useDateTime()
  const latest = useApiQuery<{ run: ChainCheckRun | null }>(LATEST, 'audit-log/verify/latest')
  const [running, setRunning] = useState(false)
  const run = async () => {
    setRunning(true)
    try {
      const report = await dataProvider.post<ChainCheckRun>('audit-log/verify')
      queryClient.setQueryData(LATEST, { run: report })
      refresh() // the check's own entry heads the log
    } catch (e) {
      notify((e as Error).message, { type: 'error' })
    } finally {
      setRunning(false)
    }
  }
  const last = latest.data?.run
  return (
    <Box component="section" aria-labelledby="chain-check-heading" sx={{ mt: 1, mb: 1 }}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} alignItems={{ xs: 'stretch', sm: 'center' }}>
        <Alert
          severity={running ? 'info' : !last ? 'info' : last.ok ? 'success' : 'error'}
          role="status"
          aria-live="polite"
          sx={{ flex: 1, minWidth: 0 }}
        >
          <Typography id="chain-check-heading" component="h2" variant="subtitle2">
            {translate('verity.audit.chain.heading')}
          </Typography>
          {running ? (
            translate('verity.audit.chain.running')
          ) : !last ? (
            translate('verity.audit.chain.never')
          ) : (
            <>
              {last.ok
                ? translate('verity.audit.chain_ok', { checked: last.checked })
                : translate('verity.audit.chain_broken', {
                    id: last.firstBroken?.id ?? '—',
                    reason: translate(`verity.audit.chain_breaks.${last.firstBroken?.reason}`, { _: '' }),
                  }) +
                  ' ' +
                  translate('verity.audit.chain.held', { checked: last.checked })}{' '}
              {translate('verity.audit.chain.ran', { when: when(last.at), by: last.by ?? translate('verity.audit.system') })}
            </>
          )}
        </Alert>
        <Button
          variant="outlined"
          onClick={() => void run()}
          disabled={running}
          startIcon={<VerifiedIcon />}
          sx={{ alignSelf: { xs: 'flex-start', sm: 'center' }, flexShrink: 0 }}
        >
          {translate('verity.audit.verify_chain')}
        </Button>
      </Stack>
    </Box>
  )
}
