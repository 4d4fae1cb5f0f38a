import DownloadIcon from '@mui/icons-material/Download'
import ShieldIcon from '@mui/icons-material/Shield'
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField } from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { useLocale, useNotify, useTranslate } from 'react-admin'
import { useApiQuery } from '../useApiQuery'
import { downloadExport, type ExportLog, type ExportRequest } from './exportCsv'

const EXPORTS_KEY = ['report-exports']
export const EPSILON = { min: 0.05, max: 2, initial: 0.5 }

/**
 * "Download CSV" for the table on screen (the same report, grouping and period, recorded by the server), and for
 * demographics a second way: with privacy noise, which spends some of the year's privacy budget.
 */
export function ExportButtons({ request, noisy = false }: { request: ExportRequest; noisy?: boolean }) {
  const translate = useTranslate()
  const notify = useNotify()
  const [busy, setBusy] = useState(false)
  const [open, setOpen] = useState(false)
  const download = async () => {
    setBusy(true)
    try {
      const { filename } = await downloadExport(request)
      notify('verity.reports.export.downloaded', { type: 'success', messageArgs: { filename } })
    } catch (e) {
      const { message } = e as Error
      notify(message, { type: 'error', messageArgs: { _: message } })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
      <Button variant="outlined" size="small" startIcon={<DownloadIcon />} onClick={download} disabled={busy}>
        {translate('verity.reports.export.csv')}
      </Button>
      {noisy ? (
        <>
          <Button variant="outlined" size="small" startIcon={<ShieldIcon />} onClick={() => setOpen(true)}>
            {translate('verity.reports.export.noisy')}
          </Button>
          {open ? <NoisyExportDialog request={request} onClose={() => setOpen(false)} /> : null}
        </>
      ) : null}
    </Stack>
  )
}

/** Why ε is what it is, the budget left, and the ε to spend; refuses more than is left before asking the server. */
function NoisyExportDialog({ request, onClose }: { request: ExportRequest; onClose: () => void }) {
  const translate = useTranslate()
  const locale = useLocale()
  const notify = useNotify()
  const queryClient = useQueryClient()
  const t = (key: string, options?: object) => translate(`verity.reports.export.${key}`, options)
  const titleId = useId()
  const { data, error: budgetError } = useApiQuery<ExportLog>(EXPORTS_KEY, 'reports/exports', { staleTime: 0 })
  const [value, setValue] = useState(String(EPSILON.initial))
  const [busy, setBusy] = useState(false)
  const [refused, setRefused] = useState<string | null>(null)
  const number = (n: number) => n.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })

  const epsilon = Number(value)
  const remaining = data?.budget.remaining
  const problem =
    value.trim() === '' || !Number.isFinite(epsilon) || epsilon < EPSILON.min || epsilon > EPSILON.max
      ? t('epsilon_range', { min: number(EPSILON.min), max: number(EPSILON.max) })
      : Math.abs(epsilon * 100 - Math.round(epsilon * 100)) > 1e-9
        ? t('epsilon_places')
        : remaining !== undefined && epsilon > remaining + 1e-9
          ? t('epsilon_over_budget', { remaining: number(remaining) })
          : null
  const spent = remaining !== undefined && remaining < EPSILON.min

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (problem || spent || !data) return
    setBusy(true)
    setRefused(null)
    try {
      const { filename, remaining: left } = await downloadExport({ ...request, epsilon })
      notify('verity.reports.export.downloaded_noisy', {
        type: 'success',
        messageArgs: { filename, remaining: number(left ?? data.budget.remaining - epsilon) },
      })
      onClose()
    } catch (err) {
      setRefused((err as Error).message)
    } finally {
      setBusy(false)
      void queryClient.invalidateQueries({ queryKey: EXPORTS_KEY })
    }
  }

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{t('noisy_title')}</DialogTitle>
        <DialogContent>
          <DialogContentText gutterBottom>{t('noisy_what')}</DialogContentText>
          <DialogContentText gutterBottom>{t('noisy_recorded')}</DialogContentText>
          {budgetError ? (
            <Alert severity="error" sx={{ my: 1 }}>
              {(budgetError as Error).message}
            </Alert>
          ) : data ? (
            <Alert severity={spent ? 'warning' : 'info'} sx={{ my: 1 }}>
              {spent
                ? t('budget_spent', { year: data.budget.year, total: number(data.budget.total) })
                : t('budget', { year: data.budget.year, remaining: number(data.budget.remaining), total: number(data.budget.total) })}
            </Alert>
          ) : null}
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            type="number"
            label={t('epsilon')}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={!!problem}
            helperText={problem ?? t('epsilon_help')}
            disabled={spent}
            slotProps={{ htmlInput: { min: EPSILON.min, max: EPSILON.max, step: 0.05, inputMode: 'decimal' } }}
          />
          {refused ? (
            <Alert severity="error" sx={{ mt: 1 }}>
              {refused}
            </Alert>
          ) : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{translate('ra.action.cancel')}</Button>
          <Button type="submit" variant="contained" disabled={busy || !!problem || spent || !data} startIcon={<DownloadIcon />}>
            {t('noisy_download')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  )
}
