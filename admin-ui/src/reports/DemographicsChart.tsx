import { useTheme } from '@mui/material'
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

export interface ChartRow {
  label: string
  count: number | null
}

/** Visible groups as bars; hidden ones keep their place on the axis with no bar. */
export default function DemographicsChart({ rows, countLabel }: { rows: ChartRow[]; countLabel: string }) {
  const theme = useTheme()
  return (
    <ResponsiveContainer width="100%" height={320}>
      <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 48, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis
          dataKey="label"
          angle={-35}
          textAnchor="end"
          interval={0}
          height={70}
          tick={{ fontSize: 12, fill: theme.palette.text.secondary }}
        />
        <YAxis allowDecimals={false} tick={{ fill: theme.palette.text.secondary }} />
        <Tooltip contentStyle={{ background: theme.palette.background.paper, border: `1px solid ${theme.palette.divider}` }} />
        <Bar dataKey="count" name={countLabel} fill={theme.palette.primary.main} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  )
}
