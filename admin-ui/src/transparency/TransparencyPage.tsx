import DownloadIcon from '@mui/icons-material/Download'
import { Alert, Box, Button, Card, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material'
import { lazy, Suspense } from 'react'
import { Loading, Title, useTranslate } from 'react-admin'
import { useApiQuery } from '../useApiQuery'

const TransparencyChart = lazy(() => import('./TransparencyChart'))

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
  const { data, isPending, error } = useApiQuery<Report>(['transparency'], 'disclosures/transparency-report')
  if (isPending) return <Loading />
  if (error || !data) return <Alert severity="error">{(error as Error)?.message}</Alert>

  const outcomes = [...new Set(data.rows.map((r) => r.outcome))]
  // A band counts at its floor in the chart: the picture never shows more precision than the table.
  const count = (v: string) => (v.includes('–') ? 0 : Number(v))
  const byPeriod = new Map<string, Record<string, number>>()
  for (const r of data.rows) {
    const p = byPeriod.get(r.period) ?? {}
    p[r.outcome] = (p[r.outcome] ?? 0) + count(r.requests)
    byPeriod.set(r.period, p)
  }
  const chart = [...byPeriod.entries()].map(([period, v]) => ({ period, ...v }))
  const t = (group: string, v: string) => translate(`verity.disclosures.${group}.${v}`, { _: v })

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate('verity.transparency.title')} />
      <Card>
        <CardContent>
          <Stack direction="row" justifyContent="space-between" alignItems="center">
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
            <>
              <Suspense fallback={<Loading />}>
                <TransparencyChart
                  data={chart}
                  outcomes={outcomes.map((o) => ({ key: o, name: t('outcomes', o) }))}
                  label={translate('verity.transparency.requests')}
                />
              </Suspense>
              <Table size="small" sx={{ mt: 2 }}>
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
              </Table>
            </>
          )}
        </CardContent>
      </Card>
    </Box>
  )
}
