import { Box, Stack, Typography, useTheme } from '@mui/material'
import { colourOf, hatchCss } from './chartColours'

/**
 * The key to a chart, as text beside it: each series by colour (unless the bars are one unnamed series) and, when a bar is
 * hatched, what hatching means. Plain HTML, so it reads the same to everyone and translates with the page.
 */
export function ChartLegend({ series, hatched }: { series: { key: string; label: string }[]; hatched?: string }) {
  const theme = useTheme()
  const swatch = { width: 14, height: 14, borderRadius: 0.5, flex: 'none' }
  return (
    <Stack
      direction="row"
      useFlexGap
      spacing={2}
      sx={{ flexWrap: 'wrap', mt: 1 }}
      component="ul"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
    >
      {series.some((s) => s.key !== '')
        ? series.map((s, i) => (
            <Stack key={s.key} direction="row" spacing={0.75} alignItems="center" component="li">
              <Box sx={{ ...swatch, bgcolor: colourOf(theme, i) }} />
              <Typography variant="body2">{s.label}</Typography>
            </Stack>
          ))
        : null}
      {hatched ? (
        <Stack direction="row" spacing={0.75} alignItems="center" component="li">
          <Box
            sx={{ ...swatch, background: hatchCss(theme.palette.text.secondary), border: `1px dashed ${theme.palette.text.secondary}` }}
          />
          <Typography variant="body2">{hatched}</Typography>
        </Stack>
      ) : null}
    </Stack>
  )
}
