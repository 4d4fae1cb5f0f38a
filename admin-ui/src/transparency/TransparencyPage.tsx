import DownloadIcon from '@mui/icons-material/Download'
import { Alert, Box, Button, Card, CardContent, Stack, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material'
import { lazy, Suspense } from 'react'
import { Loading, Title, useTranslate } from 'react-admin'
import { ChartLegend } from '../reports/ChartLegend'
import { ScrollTable } from '../reports/ScrollTable'
import { anyHatched, type Bar, barKey, type BarsData } from '../reports/chartShape'
import { useNumber } from '../reports/labels'
import { useApiQuery } from '../useApiQuery'

const BarsChart = lazy(() => import('../reports/BarsChart'))

interface Report {
  bandBelow: number
  rows: {
    period: string
    type: string
    jurisdiction: string
    outcome: string
    requests: string
    accountsSpecified: string
    shareWithDataProduced: number | null
  }[]
  totals: {
    requests: string
    accountsSpecified: string
    requestsForData: string
    preservationRequests: string
    shareWithDataProduced: number | null
  }
}

/** The published numbers: requests by half-year, type, jurisdiction and outcome, small counts as bands; CSV for publishing. */
export default function TransparencyPage() {
  const translate = useTranslate()
  const number = useNumber()
  const { data, isPending, error } = useApiQuery<Report>(['transparency'], 'disclosures/transparency-report')
  if (isPending) return <Loading />
  if (error || !data) return <Alert severity="error">{(error as Error)?.message}</Alert>

  const t = (group: string, v: string) => translate(`verity.disclosures.${group}.${v}`, { _: v })
  const chart = chartOf(data, (o) => t('outcomes', o), number)

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate('verity.transparency.title')} />
      <Card>
        <CardContent>
          <Stack direction="row" spacing={2} useFlexGap justifyContent="space-between" alignItems="center" sx={{ flexWrap: 'wrap' }}>
            <Box>
              <Typography variant="h6" component="h1">
                {translate('verity.transparency.title')}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {translate('verity.transparency.note', { band: data.bandBelow })}
              </Typography>
            </Box>
            <Button
              variant="contained"
              startIcon={<DownloadIcon />}
              href="/api/disclosures/transparency-report?format=csv"
              download="transparency-report.csv"
            >
              {translate('verity.transparency.csv')}
            </Button>
          </Stack>
          {data.rows.length === 0 ? (
            <Typography sx={{ mt: 2 }}>{translate('verity.reports.empty')}</Typography>
          ) : (
            // A grid of one column that may shrink below its content: the table scrolls in its box, the page never widens.
            <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 1, mt: 2 }}>
              <Suspense fallback={<Loading />}>
                <BarsChart
                  data={chart}
                  orientation="columns"
                  format={number}
                  description={translate('verity.transparency.chart_description')}
                />
              </Suspense>
              <ChartLegend
                series={chart.series}
                hatched={
                  anyHatched(chart)
                    ? translate('verity.transparency.band_legend', { band: data.bandBelow, upper: data.bandBelow - 1 })
                    : undefined
                }
              />
              <ScrollTable label={translate('verity.transparency.title')} maxHeight={640}>
                <TableHead>
                  <TableRow>
                    {['period', 'type', 'jurisdiction', 'outcome', 'requests', 'accounts', 'share'].map((h) => (
                      <TableCell key={h} align={['requests', 'accounts', 'share'].includes(h) ? 'right' : 'left'}>
                        {translate(`verity.transparency.${h}`)}
                      </TableCell>
                    ))}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.rows.map((r) => (
                    <TableRow key={[r.period, r.type, r.jurisdiction, r.outcome].join()}>
                      <TableCell>{r.period}</TableCell>
                      <TableCell>{t('types', r.type)}</TableCell>
                      <TableCell>{r.jurisdiction}</TableCell>
                      <TableCell>{t('outcomes', r.outcome)}</TableCell>
                      <TableCell align="right">{r.requests}</TableCell>
                      <TableCell align="right">{r.accountsSpecified}</TableCell>
                      <TableCell align="right">{r.shareWithDataProduced === null ? '—' : `${r.shareWithDataProduced} %`}</TableCell>
                    </TableRow>
                  ))}
                  <TableRow>
                    <TableCell colSpan={4}>
                      <strong>{translate('verity.transparency.total')}</strong>
                    </TableCell>
                    <TableCell align="right">{data.totals.requests}</TableCell>
                    <TableCell align="right">{data.totals.accountsSpecified}</TableCell>
                    <TableCell />
                  </TableRow>
                  <TableRow>
                    <TableCell colSpan={4}>{translate('verity.transparency.for_data')}</TableCell>
                    <TableCell align="right">{data.totals.requestsForData}</TableCell>
                    <TableCell />
                    <TableCell align="right">
                      {data.totals.shareWithDataProduced === null ? '—' : `${data.totals.shareWithDataProduced} %`}
                    </TableCell>
                  </TableRow>
                  <TableRow>
                    <TableCell colSpan={4}>{translate('verity.transparency.preservation')}</TableCell>
                    <TableCell align="right">{data.totals.preservationRequests}</TableCell>
                    <TableCell />
                    <TableCell />
                  </TableRow>
                </TableBody>
              </ScrollTable>
            </Box>
          )}
        </CardContent>
      </Card>
    </Box>
  )
}

/** A published count ("12") or band ("0–9") as the least and most it can be. */
function bounds(v: string): [number, number] {
  const band = /^(\d+)\s*[–-]\s*(\d+)$/.exec(v)
  return band ? [Number(band[1]), Number(band[2])] : [Number(v), Number(v)]
}

/**
 * Requests per half-year, a bar per outcome. A banded count is drawn hatched up to the most it can be, so a half-year of
 * small numbers is still seen, and never read as exact; its tooltip gives the range.
 */
function chartOf(data: Report, outcomeName: (o: string) => string, number: (n: number) => string): BarsData {
  const periods = [...new Set(data.rows.map((r) => r.period))].sort()
  const outcomes = [...new Set(data.rows.map((r) => r.outcome))]
  const sums = new Map<string, { low: number; high: number }>()
  for (const r of data.rows) {
    const [low, high] = bounds(r.requests)
    const key = barKey(r.period, r.outcome)
    const sum = sums.get(key) ?? { low: 0, high: 0 }
    sums.set(key, { low: sum.low + low, high: sum.high + high })
  }
  const bars = new Map<string, Bar>(
    [...sums].map(([key, { low, high }]) => [
      key,
      { value: high, hatched: low !== high, text: low === high ? number(high) : `${number(low)}–${number(high)}` },
    ]),
  )
  return {
    categories: periods.map((p) => ({ key: p, label: p })),
    series: outcomes.map((o) => ({ key: o, label: outcomeName(o) })),
    bars,
  }
}
