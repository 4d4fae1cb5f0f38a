import { TextField } from '@mui/material'
import { useState } from 'react'
import { useTranslate } from 'react-admin'

/** YYYY-MM-DD, the one form the API takes; the browser's date input gives it or an empty string. */
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s)

/**
 * Whether a range is one whole calendar month, quarter or year, the only ranges the reports answer: free ranges would
 * let small groups be averaged out of the differences between overlapping ones (docs/decisions/0011-reports-cell-key.md).
 */
export function isWholePeriod(from: string, to: string): boolean {
  if (!from.endsWith('-01')) return false
  const year = Number(from.slice(0, 4))
  const month = Number(from.slice(5, 7))
  const lastDayAfter = (months: number) => new Date(Date.UTC(year, month - 1 + months, 0)).toISOString().slice(0, 10)
  return to === lastDayAfter(1) || (to === lastDayAfter(3) && month % 3 === 1) || (to === lastDayAfter(12) && month === 1)
}

/**
 * The period a report covers, as two dates. `range` holds `from` and `to` once both make a whole period; until then it
 * is empty and the report covers all time.
 */
export function usePeriod(initial: { from: string; to: string } = { from: '', to: '' }) {
  const [from, setFrom] = useState(initial.from)
  const [to, setTo] = useState(initial.to)
  const problem = !isDay(from) || !isDay(to) ? null : from > to ? 'range_backwards' : isWholePeriod(from, to) ? null : 'range_period'
  const range = new URLSearchParams()
  if (isDay(from) && isDay(to) && !problem) {
    range.set('from', from)
    range.set('to', to)
  }
  return { from, to, setFrom, setTo, problem, range }
}

/** A report's filter control (a grouping, a date) in a row of them: side by side on a wide screen, two a row on a phone. */
export const FILTER_SX = { flex: '1 1 160px', maxWidth: { sm: 230 } } as const

/** The two date inputs of a period, saying what a period may be. */
export function PeriodFields({ period, fromLabel, toLabel }: { period: ReturnType<typeof usePeriod>; fromLabel: string; toLabel: string }) {
  const translate = useTranslate()
  return (
    <>
      <TextField
        size="small"
        fullWidth={false}
        sx={FILTER_SX}
        type="date"
        label={translate(fromLabel)}
        value={period.from}
        onChange={(e) => period.setFrom(e.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
      />
      <TextField
        size="small"
        fullWidth={false}
        sx={FILTER_SX}
        type="date"
        label={translate(toLabel)}
        value={period.to}
        onChange={(e) => period.setTo(e.target.value)}
        error={!!period.problem}
        helperText={translate(`verity.period.${period.problem ?? 'range_help'}`)}
        slotProps={{ inputLabel: { shrink: true } }}
      />
    </>
  )
}
