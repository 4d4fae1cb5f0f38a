import { Box, Stack, TableBody, TableCell, TableHead, TableRow, Typography, useTheme } from '@mui/material'
import { alpha } from '@mui/material/styles'
import { hatchCss } from './chartColours'
import { ScrollTable } from './ScrollTable'

export interface HeatMapProps {
  /** the first grouping's values, down the side, in reading order */
  rows: { key: string; label: string }[]
  /** the second grouping's values, across the top */
  columns: { key: string; label: string }[]
  /** a cell's shown count, or null when it is hidden; undefined for a combination not listed */
  value: (row: string, column: string) => number | null | undefined
  format: (n: number) => string
  /** names the map for screen readers, e.g. "Customers by age band and country" */
  label: string
  rowHeading: string
  hiddenText: string
  /** the legend's words for the hatching of hidden groups */
  hiddenLegend: string
  /** the legend's words for the tint, given the largest count formatted */
  scaleLegend: (max: string) => string
}

/** The most a cell's tint takes of the theme's primary colour: text on it keeps WCAG AA contrast in both themes. */
const STRONGEST = 0.45

/**
 * Two groupings at once as a heat map: every combination a cell, its count written in it and its tint growing with it,
 * so a country-by-age table reads at a glance without cutting values. Hidden groups are hatched and say so, never a
 * pale zero. The grid scrolls inside its own box on a phone.
 */
export default function HeatMap({ rows, columns, value, format, label, rowHeading, hiddenText, hiddenLegend, scaleLegend }: HeatMapProps) {
  const theme = useTheme()
  const tint = theme.palette.primary.main
  const max = Math.max(1, ...rows.flatMap((r) => columns.map((c) => value(r.key, c.key) ?? 0)))
  const shade = (n: number) => alpha(tint, 0.04 + (STRONGEST - 0.04) * (n / max))
  return (
    <Box sx={{ minWidth: 0 }}>
      <ScrollTable label={label}>
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              {rowHeading}
            </TableCell>
            {columns.map((c) => (
              <TableCell key={c.key} component="th" scope="col" align="right">
                {c.label}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.key}>
              <TableCell component="th" scope="row">
                {r.label}
              </TableCell>
              {columns.map((c) => {
                const n = value(r.key, c.key)
                if (n === undefined) return <TableCell key={c.key} />
                return n === null ? (
                  <TableCell
                    key={c.key}
                    align="right"
                    title={hiddenText}
                    sx={{ background: hatchCss(alpha(theme.palette.text.primary, 0.18)) }}
                  >
                    <Typography component="span" variant="body2" sx={{ fontStyle: 'italic' }}>
                      {hiddenText}
                    </Typography>
                  </TableCell>
                ) : (
                  <TableCell key={c.key} align="right" sx={{ backgroundColor: shade(n), fontVariantNumeric: 'tabular-nums' }}>
                    {format(n)}
                  </TableCell>
                )
              })}
            </TableRow>
          ))}
        </TableBody>
      </ScrollTable>
      <Stack direction="row" spacing={2} useFlexGap sx={{ mt: 1, p: 0, flexWrap: 'wrap', alignItems: 'center' }} component="ul">
        <Stack direction="row" spacing={1} component="li" sx={{ alignItems: 'center', listStyle: 'none' }}>
          <Box
            aria-hidden
            sx={{ width: 64, height: 12, borderRadius: 0.5, background: `linear-gradient(to right, ${shade(0)}, ${shade(max)})` }}
          />
          <Typography variant="body2">{scaleLegend(format(max))}</Typography>
        </Stack>
        <Stack direction="row" spacing={1} component="li" sx={{ alignItems: 'center', listStyle: 'none' }}>
          <Box
            aria-hidden
            sx={{ width: 16, height: 12, borderRadius: 0.5, background: hatchCss(alpha(theme.palette.text.primary, 0.5)) }}
          />
          <Typography variant="body2">{hiddenLegend}</Typography>
        </Stack>
      </Stack>
    </Box>
  )
}
