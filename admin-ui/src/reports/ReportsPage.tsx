import {
  Alert,
  Box,
  Card,
  CardContent,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material'
import { lazy, Suspense, useState } from 'react'
import { Loading, Title, useTranslate } from 'react-admin'
import { useApiQuery } from '../useApiQuery'
import { PeriodFields, usePeriod } from './Period'

const DemographicsChart = lazy(() => import('./DemographicsChart'))

export const DIMENSIONS = ['age_band', 'gender', 'country', 'region', 'signup_month'] as const
type Dimension = (typeof DIMENSIONS)[number]

interface Demographics {
  k: number
  by: Dimension[]
  from: string | null
  to: string | null
  /** no shown count is further than this from the truth */
  noise?: number
  rows: (Record<Dimension, string> & { count: number | null; suppressed: boolean })[]
}

/**
 * Customers counted by up to three dimensions over a range of signup dates, as a chart and a table. The server perturbs
 * every count slightly and hides small groups (docs/decisions/0011-reports-cell-key.md).
 */
export default function ReportsPage() {
  const translate = useTranslate()
  const [first, setFirst] = useState<Dimension>('age_band')
  const [second, setSecond] = useState<Dimension | ''>('')
  const [third, setThird] = useState<Dimension | ''>('')
  const period = usePeriod()
  const by = [first, ...(second ? [second] : []), ...(second && third ? [third] : [])]
  const params = new URLSearchParams({ by: by.join(','), ...Object.fromEntries(period.range) })
  const { data, isPending, error } = useApiQuery<Demographics>(['demographics', params.toString()], `reports/demographics?${params}`)
  const dimLabel = (d: Dimension) => translate(`verity.reports.dimensions.${d}`)
  const labelOf = (row: Demographics['rows'][number]) => by.map((d) => row[d]).join(' · ')

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate('verity.reports.title')} />
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
        <FormControl size="small" sx={{ minWidth: 180 }}>
          <InputLabel id="by-first">{translate('verity.reports.by')}</InputLabel>
          <Select
            labelId="by-first"
            label={translate('verity.reports.by')}
            value={first}
            onChange={(e) => setFirst(e.target.value as Dimension)}
          >
            {DIMENSIONS.map((d) => (
              <MenuItem key={d} value={d} disabled={d === second}>
                {dimLabel(d)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 180 }}>
          <InputLabel id="by-second">{translate('verity.reports.then_by')}</InputLabel>
          <Select
            labelId="by-second"
            label={translate('verity.reports.then_by')}
            value={second}
            onChange={(e) => {
              const value = e.target.value as Dimension | ''
              setSecond(value)
              if (!value || value === third) setThird('')
            }}
          >
            <MenuItem value="">{translate('verity.reports.none')}</MenuItem>
            {DIMENSIONS.filter((d) => d !== first).map((d) => (
              <MenuItem key={d} value={d} disabled={d === third}>
                {dimLabel(d)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 180 }} disabled={!second}>
          <InputLabel id="by-third">{translate('verity.reports.then_by')}</InputLabel>
          <Select
            labelId="by-third"
            label={translate('verity.reports.then_by')}
            value={second ? third : ''}
            onChange={(e) => setThird(e.target.value as Dimension | '')}
          >
            <MenuItem value="">{translate('verity.reports.none')}</MenuItem>
            {DIMENSIONS.filter((d) => d !== first && d !== second).map((d) => (
              <MenuItem key={d} value={d}>
                {dimLabel(d)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <PeriodFields period={period} fromLabel="verity.reports.from" toLabel="verity.reports.to" />
      </Stack>
      {error ? (
        <Alert severity="error">{(error as Error).message}</Alert>
      ) : isPending || !data ? (
        <Loading />
      ) : (
        <Card>
          <CardContent>
            <Typography variant="h6" gutterBottom>
              {translate('verity.reports.title')}
            </Typography>
            <Typography variant="body2" color="text.secondary" gutterBottom>
              {translate('verity.reports.k_note', { k: data.k })}
            </Typography>
            {data.noise ? (
              <Typography variant="body2" color="text.secondary" gutterBottom>
                {translate('verity.reports.noise_note', { noise: data.noise })}
              </Typography>
            ) : null}
            {data.rows.length === 0 ? (
              <Typography>{translate('verity.reports.nothing_shown', { k: data.k })}</Typography>
            ) : (
              <>
                <Suspense fallback={<Loading />}>
                  <DemographicsChart
                    rows={data.rows.map((r) => ({ label: labelOf(r), count: r.count }))}
                    countLabel={translate('verity.reports.count')}
                  />
                </Suspense>
                <Table size="small" sx={{ mt: 2 }}>
                  <TableHead>
                    <TableRow>
                      {by.map((d) => (
                        <TableCell key={d}>{dimLabel(d)}</TableCell>
                      ))}
                      <TableCell align="right">{translate('verity.reports.count')}</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {data.rows.map((r) => (
                      <TableRow key={labelOf(r)}>
                        {by.map((d) => (
                          <TableCell key={d}>{r[d]}</TableCell>
                        ))}
                        <TableCell align="right">
                          {r.suppressed ? <em>{translate('verity.reports.suppressed')}</em> : r.count?.toLocaleString()}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </>
            )}
          </CardContent>
        </Card>
      )}
    </Box>
  )
}
