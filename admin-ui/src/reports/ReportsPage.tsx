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

const DemographicsChart = lazy(() => import('./DemographicsChart'))

export const DIMENSIONS = ['age_band', 'gender', 'country', 'region', 'signup_month'] as const
type Dimension = (typeof DIMENSIONS)[number]

interface Demographics {
  k: number
  by: Dimension[]
  rows: (Record<Dimension, string> & { count: number | null; suppressed: boolean })[]
}

/** Customers counted by one or two dimensions, as a chart and a table; the server hides small groups. */
export default function ReportsPage() {
  const translate = useTranslate()
  const [first, setFirst] = useState<Dimension>('age_band')
  const [second, setSecond] = useState<Dimension | ''>('')
  const by = second ? [first, second] : [first]
  const { data, isPending, error } = useApiQuery<Demographics>(['demographics', ...by], `reports/demographics?by=${by.join(',')}`)
  const dimLabel = (d: Dimension) => translate(`verity.reports.dimensions.${d}`)
  const labelOf = (row: Demographics['rows'][number]) => by.map((d) => row[d]).join(' · ')

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate('verity.reports.title')} />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
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
            onChange={(e) => setSecond(e.target.value as Dimension | '')}
          >
            <MenuItem value="">{translate('verity.reports.none')}</MenuItem>
            {DIMENSIONS.filter((d) => d !== first).map((d) => (
              <MenuItem key={d} value={d}>
                {dimLabel(d)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
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
            {data.rows.length === 0 ? (
              <Typography>{translate('verity.reports.empty')}</Typography>
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
