import { Box, useTheme } from '@mui/material'
import { useId } from 'react'
import { Bar, BarChart, CartesianGrid, Rectangle, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { colourOf } from './chartColours'
import { barKey, type BarsData } from './chartShape'

/**
 * A report's bars, loaded on demand (recharts is large). Categories run down the side as rows when there are many or
 * their names are long, or along the bottom as columns (time); each series has its colour; a hidden or banded bar is
 * hatched with a dashed outline, never drawn as nothing, so it cannot pass for zero. Labels come translated.
 */
export default function BarsChart({
  data,
  orientation,
  format,
  description,
}: {
  data: BarsData
  orientation: 'rows' | 'columns'
  format: (n: number) => string
  /** what the chart shows, for screen readers: the table beside it has the figures */
  description: string
}) {
  const theme = useTheme()
  const id = useId().replace(/:/g, '')
  const rows = data.categories.map((c) => {
    const row: Record<string, string | number | boolean | undefined> = { label: c.label }
    data.series.forEach((s, i) => {
      const bar = data.bars.get(barKey(c.key, s.key))
      row[`v${i}`] = bar?.value
      row[`h${i}`] = bar?.hatched
      row[`t${i}`] = bar?.text
      row[`m${i}`] = bar?.mark
    })
    return row
  })
  const asRows = orientation === 'rows'
  // About 7 px a Latin character and 13 a CJK one at 12 px, so "65 岁及以上" keeps to one line.
  const textWidth = (label: string) => [...label].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 14 : 7), 0)
  const labelWidth = Math.min(160, Math.max(48, 20 + Math.max(...data.categories.map((c) => textWidth(c.label)))))
  const height = asRows ? Math.max(160, data.categories.length * (Math.min(data.series.length, 5) * 12 + 16) + 48) : 300
  const text = theme.palette.text.secondary
  const valueAxis = { type: 'number' as const, allowDecimals: false, tickFormatter: format, tick: { fill: text, fontSize: 12 } }
  const categoryAxis = {
    type: 'category' as const,
    dataKey: 'label',
    tick: { fill: text, fontSize: 12 },
    interval: asRows ? (0 as const) : ('preserveStartEnd' as const),
  }

  return (
    <Box role="img" aria-label={description} sx={{ width: '100%', minWidth: 0 }}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={rows}
          layout={asRows ? 'vertical' : 'horizontal'}
          margin={{ top: 8, right: 16, bottom: 8, left: 4 }}
          barCategoryGap={asRows ? 6 : '15%'}
          accessibilityLayer={false}
        >
          <defs>
            {data.series.map((_, i) => (
              <pattern key={i} id={`${id}-hatch-${i}`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="2" height="6" fill={colourOf(theme, i)} />
              </pattern>
            ))}
          </defs>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} horizontal={!asRows} vertical={asRows} />
          {asRows ? <XAxis {...valueAxis} /> : <XAxis {...categoryAxis} />}
          {asRows ? <YAxis {...categoryAxis} width={labelWidth} /> : <YAxis {...valueAxis} width={56} />}
          <Tooltip
            cursor={{ fill: theme.palette.action.hover }}
            content={({ active, payload, label }) =>
              active && payload?.length ? (
                <Box
                  sx={{
                    bgcolor: 'background.paper',
                    border: 1,
                    borderColor: 'divider',
                    borderRadius: 1,
                    p: 1,
                    fontSize: 13,
                    color: 'text.primary',
                  }}
                >
                  <strong>{label}</strong>
                  {data.series.map((s, i) => {
                    const row = payload[0]!.payload as Record<string, unknown>
                    return row[`t${i}`] === undefined ? null : (
                      <div key={s.key}>
                        {s.label ? `${s.label}: ` : ''}
                        {String(row[`t${i}`])}
                      </div>
                    )
                  })}
                </Box>
              ) : null
            }
          />
          {data.series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={`v${i}`}
              name={s.label}
              fill={colourOf(theme, i)}
              isAnimationActive={false}
              maxBarSize={asRows ? 14 : 48}
              shape={(props: unknown) => {
                const p = props as { payload?: Record<string, unknown> } & Record<string, unknown>
                const hatched = !!p.payload?.[`h${i}`]
                const mark = p.payload?.[`m${i}`] as string | undefined
                const { x, y, width, height } = p as unknown as Record<'x' | 'y' | 'width' | 'height', number>
                const bar = (
                  <Rectangle
                    {...(p as object)}
                    fill={hatched ? `url(#${id}-hatch-${i})` : colourOf(theme, i)}
                    stroke={hatched ? colourOf(theme, i) : 'none'}
                    strokeDasharray={hatched ? '4 2' : undefined}
                  />
                )
                if (!mark) return bar
                return (
                  <g>
                    {bar}
                    <text
                      x={asRows ? x + width + 4 : x + width / 2}
                      y={asRows ? y + height / 2 : y - 4}
                      dominantBaseline={asRows ? 'central' : 'auto'}
                      textAnchor={asRows ? 'start' : 'middle'}
                      fontSize={11}
                      fontStyle="italic"
                      fill={text}
                    >
                      {mark}
                    </text>
                  </g>
                )
              }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Box>
  )
}
