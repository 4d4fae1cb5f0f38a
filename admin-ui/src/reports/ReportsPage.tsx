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
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material'
import { lazy, Suspense, useState } from 'react'
import { Loading, Title, useLocale, useTranslate } from 'react-admin'
import { useApiQuery } from '../useApiQuery'
import { ChartLegend } from './ChartLegend'
import { anyHatched, barsOf, type Cell, type Order, shapeOf } from './chartShape'
import { ExportButtons } from './ExportButtons'
import { useNumber, useValueLabel } from './labels'
import { FILTER_SX, PeriodFields, usePeriod } from './Period'
import { HiddenCell, ScrollTable } from './ScrollTable'

const BarsChart = lazy(() => import('./BarsChart'))
const HeatMap = lazy(() => import('./HeatMap'))

export const DIMENSIONS = ['age_band', 'gender', 'country', 'region', 'signup_month'] as const
type Dimension = (typeof DIMENSIONS)[number]

/** How each grouping's values are ordered on a chart, and which are kept when there are too many (chartShape.ts). */
const ORDER: Record<Dimension, Order> = { age_band: 'fixed', gender: 'fixed', country: 'size', region: 'size', signup_month: 'time' }

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
 * Customers counted by up to three groupings over a whole month, quarter or year of signups, as a chart and a table,
 * with a CSV download of the same table. The server perturbs every count slightly and hides small groups
 * (docs/decisions/0011-reports-cell-key.md); hidden groups are marked as such, never drawn as zero.
 */
export default function ReportsPage() {
  const translate = useTranslate()
  const t = (key: string, options?: object) => translate(`verity.reports.${key}`, options)
  const valueLabel = useValueLabel()
  const number = useNumber()
  const locale = useLocale()
  const day = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' })
  const [first, setFirst] = useState<Dimension>('age_band')
  const [second, setSecond] = useState<Dimension | ''>('')
  const [third, setThird] = useState<Dimension | ''>('')
  const period = usePeriod()
  const by = [first, ...(second ? [second] : []), ...(second && third ? [third] : [])]
  const params = new URLSearchParams({ by: by.join(','), ...Object.fromEntries(period.range) })
  const { data, error } = useApiQuery<Demographics>(['demographics', params.toString()], `reports/demographics?${params}`)
  const dimLabel = (d: Dimension) => t(`dimensions.${d}`)
  const rowKey = (row: Demographics['rows'][number]) => by.map((d) => row[d]).join('|')
  // What is on screen is what the server answered for: the selects may already have moved on.
  const shownBy = data?.by ?? by

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={t('title')} />
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
        <DimensionSelect
          id="by-first"
          label={t('by')}
          value={first}
          options={DIMENSIONS.map((d) => ({ d, disabled: d === second }))}
          onChange={(v) => v && setFirst(v)}
        />
        <DimensionSelect
          id="by-second"
          label={t('then_by')}
          value={second}
          none={t('none')}
          options={DIMENSIONS.filter((d) => d !== first).map((d) => ({ d, disabled: d === third }))}
          onChange={(v) => {
            setSecond(v)
            if (!v || v === third) setThird('')
          }}
        />
        <DimensionSelect
          id="by-third"
          label={t('and_by')}
          value={second ? third : ''}
          none={t('none')}
          disabled={!second}
          options={DIMENSIONS.filter((d) => d !== first && d !== second).map((d) => ({ d }))}
          onChange={setThird}
        />
        <PeriodFields period={period} fromLabel="verity.reports.from" toLabel="verity.reports.to" />
      </Stack>
      {error ? (
        <Alert severity="error">{(error as Error).message}</Alert>
      ) : !data ? (
        <Loading />
      ) : (
        <Card>
          <CardContent>
            <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', justifyContent: 'space-between', mb: 1 }}>
              <Typography variant="h6" component="h1">
                {t('heading', { by: shownBy.map(dimLabel).join(' × ') })}
              </Typography>
              <ExportButtons
                noisy
                request={{ report: 'demographics', by: shownBy.join(','), from: data.from ?? undefined, to: data.to ?? undefined }}
              />
            </Stack>
            <Typography variant="body2" gutterBottom>
              {data.from && data.to ? t('period', { from: day(data.from), to: day(data.to) }) : t('all_time')}
            </Typography>
            <Box component="section" aria-label={t('how.title')} sx={{ mb: 2, color: 'text.secondary' }}>
              <Typography variant="body2" gutterBottom>
                {t('how.hidden', { k: data.k })}
              </Typography>
              {data.noise ? <Typography variant="body2">{t('how.noise', { noise: data.noise })}</Typography> : null}
            </Box>
            {data.rows.length === 0 ? (
              <Typography>{t('nothing_shown', { k: data.k })}</Typography>
            ) : (
              <Box
                sx={{
                  display: 'grid',
                  gap: 2,
                  gridTemplateColumns: {
                    xs: 'minmax(0, 1fr)',
                    lg: shownBy.length < 3 ? 'minmax(0, 3fr) minmax(0, 2fr)' : 'minmax(0, 1fr)',
                  },
                  alignItems: 'start',
                }}
              >
                {shownBy.length < 3 ? <DemographicsChart data={data} by={shownBy} /> : null}
                <Box sx={{ minWidth: 0 }}>
                  {shownBy.length === 3 ? (
                    <Typography variant="body2" color="text.secondary" gutterBottom>
                      {t('chart.table_only')}
                    </Typography>
                  ) : null}
                  <ScrollTable label={t('table')}>
                    <TableHead>
                      <TableRow>
                        {shownBy.map((d) => (
                          <TableCell key={d}>{dimLabel(d)}</TableCell>
                        ))}
                        <TableCell align="right">{t('count')}</TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {data.rows.map((r) => (
                        <TableRow key={rowKey(r)}>
                          {shownBy.map((d) => (
                            <TableCell key={d}>{valueLabel(d, r[d])}</TableCell>
                          ))}
                          <TableCell align="right">
                            {r.suppressed || r.count === null ? <HiddenCell text={t('hidden', { k: data.k })} /> : number(r.count)}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </ScrollTable>
                </Box>
              </Box>
            )}
          </CardContent>
        </Card>
      )}
    </Box>
  )
}

function DimensionSelect({
  id,
  label,
  value,
  options,
  none,
  disabled,
  onChange,
}: {
  id: string
  label: string
  value: Dimension | ''
  options: { d: Dimension; disabled?: boolean }[]
  none?: string
  disabled?: boolean
  onChange: (value: Dimension | '') => void
}) {
  const translate = useTranslate()
  return (
    <FormControl size="small" fullWidth={false} sx={FILTER_SX} disabled={disabled}>
      <InputLabel id={id}>{label}</InputLabel>
      <Select labelId={id} label={label} value={value} onChange={(e) => onChange(e.target.value as Dimension | '')}>
        {none ? <MenuItem value="">{none}</MenuItem> : null}
        {options.map(({ d, disabled }) => (
          <MenuItem key={d} value={d} disabled={disabled}>
            {translate(`verity.reports.dimensions.${d}`)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  )
}

/**
 * One grouping: a bar per value. Two: the first along the axis, the second as coloured series, each cut down to what
 * stays readable, saying so. Hidden groups are hatched bars reaching k, explained in the legend.
 */
function DemographicsChart({ data, by }: { data: Demographics; by: Dimension[] }) {
  const translate = useTranslate()
  const t = (key: string, options?: object) => translate(`verity.reports.${key}`, options)
  const valueLabel = useValueLabel()
  const number = useNumber()
  const [axis, series] = by as [Dimension, Dimension | undefined]
  const cells: Cell[] = data.rows.map((r) => ({ category: r[axis], series: series ? r[series] : '', value: r.suppressed ? null : r.count }))
  if (series) {
    // Two groupings: every combination at once, as a heat map (a bar chart of them all would not be readable).
    const all = shapeOf(cells, { category: ORDER[axis], series: ORDER[series] }, { categories: Infinity, series: Infinity })
    const counts = new Map(cells.map((c) => [`${c.category}|${c.series}`, c.value]))
    return (
      <Suspense fallback={<Loading />}>
        <HeatMap
          rows={all.categories.keys.map((key) => ({ key, label: valueLabel(axis, key) }))}
          columns={all.series.keys.map((key) => ({ key, label: valueLabel(series, key) }))}
          value={(row, column) => counts.get(`${row}|${column}`)}
          format={number}
          label={t('chart.heat_map', { by: by.map((d) => t(`dimensions.${d}`)).join(' × ') })}
          rowHeading={t(`dimensions.${axis}`)}
          hiddenText={t('chart.hidden_short')}
          hiddenLegend={t('chart.hidden_legend_cells', { k: data.k })}
          scaleLegend={(max) => t('chart.scale', { max })}
        />
      </Suspense>
    )
  }
  const shape = shapeOf(cells, { category: ORDER[axis], series: series ? ORDER[series] : 'fixed' })
  const hiddenText = t('hidden', { k: data.k })
  const bars = barsOf(cells, shape, {
    categoryLabel: (v) => valueLabel(axis, v),
    seriesLabel: (v) => (series ? valueLabel(series, v) : t('count')),
    shown: (value) => ({ value, text: number(value), hatched: false }),
    hidden: () => ({ value: data.k, text: hiddenText, hatched: true }),
  })
  const cut = (picked: { keys: string[]; of: number }, d: Dimension) =>
    picked.keys.length < picked.of
      ? t(ORDER[d] === 'time' ? 'chart.cut_latest' : 'chart.cut_largest', {
          shown: picked.keys.length,
          of: picked.of,
          dimension: t(`dimensions.${d}`),
        })
      : null
  const notes = [cut(shape.categories, axis), series ? cut(shape.series, series) : null].filter(Boolean)
  const orientation = axis === 'signup_month' && bars.categories.length * bars.series.length <= 36 ? 'columns' : 'rows'
  return (
    <Box sx={{ minWidth: 0 }}>
      {notes.map((n) => (
        <Typography key={n} variant="body2" color="text.secondary" gutterBottom>
          {n}
        </Typography>
      ))}
      <Suspense fallback={<Loading />}>
        <BarsChart
          data={bars}
          orientation={orientation}
          format={number}
          description={t('chart.description', { by: by.map((d) => t(`dimensions.${d}`)).join(' × ') })}
        />
      </Suspense>
      <ChartLegend series={bars.series} hatched={anyHatched(bars) ? t('chart.hidden_legend', { k: data.k }) : undefined} />
    </Box>
  )
}
