import { useTheme } from '@mui/material'
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

export interface PeriodBars {
  period: string
  [outcome: string]: string | number
}

const PALETTE = ['#1e4fa3', '#0f6b5c', '#b26a00', '#8e24aa', '#6d6d6d', '#c62828']

/** Requests per half-year, stacked by outcome; banded cells count at their band's floor so nothing small is revealed. */
export default function TransparencyChart({
  data,
  outcomes,
  label,
}: {
  data: PeriodBars[]
  outcomes: { key: string; name: string }[]
  label: string
}) {
  const theme = useTheme()
  return (
    <ResponsiveContainer width="100%" height={300}>
      <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis dataKey="period" tick={{ fill: theme.palette.text.secondary }} />
        <YAxis
          allowDecimals={false}
          tick={{ fill: theme.palette.text.secondary }}
          label={{ value: label, angle: -90, position: 'insideLeft', fill: theme.palette.text.secondary }}
        />
        <Tooltip contentStyle={{ background: theme.palette.background.paper, border: `1px solid ${theme.palette.divider}` }} />
        <Legend />
        {outcomes.map((o, i) => (
          <Bar key={o.key} dataKey={o.key} name={o.name} stackId="outcome" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  )
}
