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
import { lazy, type ReactNode, Suspense, useState } from 'react'
import { Loading, Title, useLocale, useTranslate } from 'react-admin'
import { useApiQuery } from '../useApiQuery'
import { ChartLegend } from './ChartLegend'
import { anyHatched, type BarsData, barsOf, type Cell, type Order, type Picked, shapeOf } from './chartShape'
import { ExportButtons } from './ExportButtons'
import { useNumber, useValueLabel } from './labels'
import { FILTER_SX, PeriodFields, usePeriod } from './Period'
import { HiddenCell, ScrollTable } from './ScrollTable'

const BarsChart = lazy(() => import('./BarsChart'))

const COMMERCE_BY = ['month', 'country', 'region', 'month,country'] as const
type CommerceBy = (typeof COMMERCE_BY)[number]
type Dim = 'month' | 'country' | 'region'
const DIMS: Record<CommerceBy, Dim[]> = {
  month: ['month'],
  country: ['country'],
  region: ['country', 'region'],
  'month,country': ['month', 'country'],
}

interface CommerceRow extends Partial<Record<Dim, string>> {
  currency: string
  orders: number | null
  revenue_cents: number | null
  average_cents: number | null
  suppressed: boolean
}
interface Commerce {
  k: number
  by: CommerceBy
  rows: CommerceRow[]
}
interface Buyers {
  k: number
  rows: { month: string; new: number | null; returning: number | null; suppressed: boolean }[]
}
interface Operations {
  verifications: { completed: number; verified: number; pass_rate_percent: number | null }
  requests: {
    by_type_and_status: { type: string; status: string; count: number }[]
    completed: number
    on_time_percent: number | null
    median_hours_to_complete: number | null
  }
  disclosures: { band_below: number; by_type_and_half_year: { period: string; type: string; requests: string }[] }
}

function Section({ title, note, actions, children }: { title: string; note?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <Card sx={{ mb: 2 }}>
      <CardContent>
        <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', justifyContent: 'space-between', mb: 1 }}>
          <Typography variant="h6" component="h2">
            {title}
          </Typography>
          {actions}
        </Stack>
        {note ? (
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {note}
          </Typography>
        ) : null}
        {children}
      </CardContent>
    </Card>
  )
}

function Pending({ error }: { error: unknown }) {
  return error ? <Alert severity="error">{(error as Error).message}</Alert> : <Loading />
}

/**
 * Sales, buyers and the team's work for managers: orders, revenue and average order value by month, country or region
 * (per currency, never added across currencies), new and returning buyers, and operations figures. The server hides
 * cells with fewer than k customers or one customer bringing most of the revenue.
 */
export default function BusinessReportsPage() {
  const translate = useTranslate()
  const locale = useLocale()
  const t = (key: string, options?: object) => translate(`verity.business_reports.${key}`, options)
  const [by, setBy] = useState<CommerceBy>('month')
  const [currency, setCurrency] = useState('')
  // Last calendar year to start with: all time by month is a long table; the dates open any whole period.
  const lastYear = new Date().getUTCFullYear() - 1
  const period = usePeriod({ from: `${lastYear}-01-01`, to: `${lastYear}-12-31` })
  const query = new URLSearchParams({ by, ...Object.fromEntries(period.range) })
  const commerce = useApiQuery<Commerce>(['commerce', query.toString()], `reports/commerce?${query}`)
  const buyers = useApiQuery<Buyers>(['buyers', period.range.toString()], `reports/buyers?${period.range}`)
  const operations = useApiQuery<Operations>(['operations', period.range.toString()], `reports/operations?${period.range}`)

  const valueLabel = useValueLabel()
  const number = useNumber()
  const money = (cents: number | null, code: string) =>
    cents === null ? null : new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(cents / 100)
  const hidden = <HiddenCell text={t('suppressed')} />
  /** A count, or that it is hidden: under k when the table says which k. */
  const count = (n: number | null, k?: number) =>
    n !== null ? number(n) : k ? <HiddenCell text={translate('verity.reports.hidden', { k })} /> : hidden
  const percent = (n: number | null) => (n === null ? t('not_applicable') : `${number(n)} %`)
  const dimLabel = (d: Dim, r: Partial<Record<Dim, string>>) => valueLabel(d, r[d] ?? 'unknown')
  const rows = commerce.data?.rows ?? []
  const currencies = [...new Set(rows.map((r) => r.currency))].sort()
  // Until one is chosen, the chart shows the currency with the most revenue shown, not the first by name.
  const shownRevenue = (code: string) => rows.filter((r) => r.currency === code).reduce((sum, r) => sum + (r.revenue_cents ?? 0), 0)
  const busiest = [...currencies].sort((a, b) => shownRevenue(b) - shownRevenue(a))[0] ?? ''
  const chartCurrency = currencies.includes(currency) ? currency : busiest
  const range = Object.fromEntries(period.range) as { from?: string; to?: string }

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={t('title')} />
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
        <PeriodFields period={period} fromLabel="verity.business_reports.from" toLabel="verity.business_reports.to" />
      </Stack>

      <Section
        title={t('commerce.title')}
        note={commerce.data ? t('commerce.k_note', { k: commerce.data.k }) : undefined}
        actions={<ExportButtons request={{ report: 'commerce', by, ...range }} />}
      >
        <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
          <FormControl size="small" fullWidth={false} sx={FILTER_SX}>
            <InputLabel id="commerce-by">{t('commerce.by')}</InputLabel>
            <Select labelId="commerce-by" label={t('commerce.by')} value={by} onChange={(e) => setBy(e.target.value as CommerceBy)}>
              {COMMERCE_BY.map((b) => (
                <MenuItem key={b} value={b}>
                  {t(`commerce.by_options.${b}`)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl size="small" fullWidth={false} sx={FILTER_SX} disabled={!currencies.length}>
            <InputLabel id="chart-currency">{t('commerce.chart_currency')}</InputLabel>
            <Select
              labelId="chart-currency"
              label={t('commerce.chart_currency')}
              value={chartCurrency}
              onChange={(e) => setCurrency(e.target.value)}
            >
              {currencies.map((c) => (
                <MenuItem key={c} value={c}>
                  {c}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
        {!commerce.data ? (
          <Pending error={commerce.error} />
        ) : commerce.data.rows.length === 0 ? (
          <Typography>{t('empty')}</Typography>
        ) : (
          <ChartBesideTable
            wideTable
            chart={<CommerceChart data={commerce.data} currency={chartCurrency} />}
            table={
              <ScrollTable label={t('commerce.title')}>
                <TableHead>
                  <TableRow>
                    {DIMS[commerce.data.by].map((d) => (
                      <TableCell key={d}>{t(`commerce.dimensions.${d}`)}</TableCell>
                    ))}
                    <TableCell>{t('commerce.currency')}</TableCell>
                    <TableCell align="right">{t('commerce.orders')}</TableCell>
                    <TableCell align="right">{t('commerce.revenue')}</TableCell>
                    <TableCell align="right">{t('commerce.average')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {commerce.data.rows.map((r) => (
                    <TableRow key={[...DIMS[commerce.data.by].map((d) => r[d]), r.currency].join('|')}>
                      {DIMS[commerce.data.by].map((d) => (
                        <TableCell key={d}>{dimLabel(d, r)}</TableCell>
                      ))}
                      <TableCell>{r.currency}</TableCell>
                      <TableCell align="right">{count(r.orders)}</TableCell>
                      <TableCell align="right">{r.suppressed ? hidden : money(r.revenue_cents, r.currency)}</TableCell>
                      <TableCell align="right">{r.suppressed ? hidden : money(r.average_cents, r.currency)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </ScrollTable>
            }
          />
        )}
      </Section>

      <Section
        title={t('buyers.title')}
        note={buyers.data ? t('buyers.note', { k: buyers.data.k }) : undefined}
        actions={<ExportButtons request={{ report: 'buyers', ...range }} />}
      >
        {!buyers.data ? (
          <Pending error={buyers.error} />
        ) : buyers.data.rows.length === 0 ? (
          <Typography>{t('empty')}</Typography>
        ) : (
          <ChartBesideTable
            chart={<BuyersChart data={buyers.data} />}
            table={
              <ScrollTable label={t('buyers.title')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{t('commerce.dimensions.month')}</TableCell>
                    <TableCell align="right">{t('buyers.new')}</TableCell>
                    <TableCell align="right">{t('buyers.returning')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {buyers.data.rows.map((r) => (
                    <TableRow key={r.month}>
                      <TableCell>{valueLabel('month', r.month)}</TableCell>
                      <TableCell align="right">{count(r.new, buyers.data.k)}</TableCell>
                      <TableCell align="right">{count(r.returning, buyers.data.k)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </ScrollTable>
            }
          />
        )}
      </Section>

      <Section title={t('operations.title')}>
        {!operations.data ? (
          <Pending error={operations.error} />
        ) : (
          <>
            <Table size="small" sx={{ mb: 2 }}>
              <TableBody>
                <TableRow>
                  <TableCell>{t('operations.pass_rate')}</TableCell>
                  <TableCell align="right">
                    {percent(operations.data.verifications.pass_rate_percent)}{' '}
                    {t('operations.of_completed', { n: operations.data.verifications.completed })}
                  </TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>{t('operations.on_time')}</TableCell>
                  <TableCell align="right">
                    {percent(operations.data.requests.on_time_percent)}{' '}
                    {t('operations.of_completed', { n: operations.data.requests.completed })}
                  </TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>{t('operations.median_hours')}</TableCell>
                  <TableCell align="right">
                    {operations.data.requests.median_hours_to_complete === null
                      ? t('not_applicable')
                      : t('operations.hours', { n: operations.data.requests.median_hours_to_complete.toLocaleString(locale) })}
                  </TableCell>
                </TableRow>
              </TableBody>
            </Table>
            <Typography variant="subtitle1">{t('operations.requests')}</Typography>
            <Table size="small" sx={{ mb: 2 }}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('operations.type')}</TableCell>
                  <TableCell>{t('operations.status')}</TableCell>
                  <TableCell align="right">{t('operations.count')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {operations.data.requests.by_type_and_status.map((r) => (
                  <TableRow key={`${r.type}|${r.status}`}>
                    <TableCell>{t(`operations.request_types.${r.type}`, { _: r.type })}</TableCell>
                    <TableCell>{t(`operations.request_statuses.${r.status}`, { _: r.status })}</TableCell>
                    <TableCell align="right">{r.count.toLocaleString(locale)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="subtitle1">{t('operations.disclosures')}</Typography>
            <Typography variant="body2" color="text.secondary" gutterBottom>
              {t('operations.band_note', { n: operations.data.disclosures.band_below })}
            </Typography>
            {operations.data.disclosures.by_type_and_half_year.length === 0 ? (
              <Typography>{t('empty')}</Typography>
            ) : (
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('operations.half_year')}</TableCell>
                    <TableCell>{t('operations.type')}</TableCell>
                    <TableCell align="right">{t('operations.count')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {operations.data.disclosures.by_type_and_half_year.map((r) => (
                    <TableRow key={`${r.period}|${r.type}`}>
                      <TableCell>{r.period}</TableCell>
                      <TableCell>{t(`operations.disclosure_types.${r.type}`, { _: r.type })}</TableCell>
                      <TableCell align="right">{r.requests}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </>
        )}
      </Section>
    </Box>
  )
}

/**
 * A chart above or beside the table of the same figures: beside on a wide screen when the table is narrow, above it
 * otherwise (a wide table keeps its columns in view).
 */
function ChartBesideTable({ chart, table, wideTable = false }: { chart: ReactNode; table: ReactNode; wideTable?: boolean }) {
  return (
    <Box
      sx={{
        display: 'grid',
        gap: 2,
        gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: wideTable ? 'minmax(0, 1fr)' : 'minmax(0, 1fr) minmax(0, 1fr)' },
        alignItems: 'start',
      }}
    >
      <Box sx={{ minWidth: 0 }}>{chart}</Box>
      <Box sx={{ minWidth: 0 }}>{table}</Box>
    </Box>
  )
}

const ORDER: Record<Dim, Order> = { month: 'time', country: 'size', region: 'size' }

/** What a chart of one report draws, with the notes on what it leaves to the table. */
function ReportChart({
  bars,
  notes,
  timeAxis,
  format,
  description,
  hiddenLegend,
}: {
  bars: BarsData
  notes: (string | null)[]
  timeAxis: boolean
  format: (n: number) => string
  description: string
  hiddenLegend: string
}) {
  return (
    <>
      {notes.filter(Boolean).map((n) => (
        <Typography key={n} variant="body2" color="text.secondary" gutterBottom>
          {n}
        </Typography>
      ))}
      <Suspense fallback={<Loading />}>
        <BarsChart
          data={bars}
          orientation={timeAxis && bars.categories.length * bars.series.length <= 36 ? 'columns' : 'rows'}
          format={format}
          description={description}
        />
      </Suspense>
      <ChartLegend series={bars.series} hatched={anyHatched(bars) ? hiddenLegend : undefined} />
    </>
  )
}

/** The note when a chart leaves values to the table. */
function useCutNote() {
  const translate = useTranslate()
  return (picked: Picked, order: Order, dimension: string) =>
    picked.keys.length < picked.of
      ? translate(order === 'time' ? 'verity.reports.chart.cut_latest' : 'verity.reports.chart.cut_largest', {
          shown: picked.keys.length,
          of: picked.of,
          dimension,
        })
      : null
}

/**
 * Revenue in one currency by the chosen grouping: months as columns, countries and regions as rows, month and country
 * as months with the largest countries as series. A hidden amount is unknown: its bar is a short hatched stub marked
 * "hidden", its length meaning nothing.
 */
function CommerceChart({ data, currency }: { data: Commerce; currency: string }) {
  const translate = useTranslate()
  const locale = useLocale()
  const t = (key: string, options?: object) => translate(`verity.business_reports.${key}`, options)
  const valueLabel = useValueLabel()
  const cut = useCutNote()
  const dims = DIMS[data.by]
  // A region is named with its country: the axis is the region, the series (none) the rest.
  const [axis, series] = data.by === 'region' ? (['region', undefined] as const) : (dims as unknown as [Dim, Dim | undefined])
  const keyOf = (r: CommerceRow) => (data.by === 'region' ? `${r.country ?? 'unknown'}|${r.region ?? 'unknown'}` : (r[axis] ?? 'unknown'))
  const categoryLabel = (key: string) => {
    if (data.by !== 'region') return valueLabel(axis, key)
    const [country, region] = key.split('|') as [string, string]
    return `${valueLabel('region', region)}, ${valueLabel('country', country)}`
  }
  const cells: Cell[] = data.rows
    .filter((r) => r.currency === currency)
    .map((r) => ({
      category: keyOf(r),
      series: series ? (r[series] ?? 'unknown') : '',
      value: r.suppressed || r.revenue_cents === null ? null : r.revenue_cents / 100,
    }))
  const shape = shapeOf(cells, { category: ORDER[axis], series: series ? ORDER[series] : 'fixed' })
  const full = new Intl.NumberFormat(locale, { style: 'currency', currency })
  const compact = new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact' })
  const bars = barsOf(cells, shape, {
    categoryLabel,
    seriesLabel: (v) => (series ? valueLabel(series, v) : t('commerce.chart_revenue', { currency })),
    shown: (value) => ({ value, text: full.format(value), hatched: false }),
    hidden: (tallest) => ({ value: (tallest || 1) / 25, text: t('suppressed'), hatched: true, mark: t('suppressed') }),
  })
  if (!cells.length) return null
  return (
    <ReportChart
      bars={bars}
      notes={[
        cut(shape.categories, ORDER[axis], t(`commerce.dimensions.${axis}`)),
        series ? cut(shape.series, ORDER[series], t(`commerce.dimensions.${series}`)) : null,
      ]}
      timeAxis={axis === 'month'}
      format={(n) => compact.format(n)}
      description={t('commerce.chart_description', { currency, by: t(`commerce.by_options.${data.by}`) })}
      hiddenLegend={t('commerce.hidden_legend', { k: data.k })}
    />
  )
}

/** New and returning buyers per month, side by side; a hidden count is hatched up to k. */
function BuyersChart({ data }: { data: Buyers }) {
  const translate = useTranslate()
  const t = (key: string, options?: object) => translate(`verity.business_reports.${key}`, options)
  const valueLabel = useValueLabel()
  const number = useNumber()
  const cut = useCutNote()
  const cells: Cell[] = data.rows.flatMap((r) => [
    { category: r.month, series: 'new', value: r.new },
    { category: r.month, series: 'returning', value: r.returning },
  ])
  const shape = shapeOf(cells, { category: 'time', series: 'fixed' })
  const hiddenText = translate('verity.reports.hidden', { k: data.k })
  const bars = barsOf(
    cells,
    { ...shape, series: { keys: ['new', 'returning'], of: 2 } },
    {
      categoryLabel: (v) => valueLabel('month', v),
      seriesLabel: (v) => t(`buyers.${v}`),
      shown: (value) => ({ value, text: number(value), hatched: false }),
      hidden: () => ({ value: data.k, text: hiddenText, hatched: true }),
    },
  )
  return (
    <ReportChart
      bars={bars}
      notes={[cut(shape.categories, 'time', t('commerce.dimensions.month'))]}
      timeAxis
      format={number}
      description={t('buyers.chart_description')}
      hiddenLegend={translate('verity.reports.chart.hidden_legend', { k: data.k })}
    />
  )
}
