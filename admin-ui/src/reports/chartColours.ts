import type { Theme } from '@mui/material'

/**
 * Series colours for charts, chosen per theme so each stands out on its background (the light ones are too pale for
 * white, the dark ones vanish on the dark theme's paper). The first is the theme's primary colour.
 */
export function seriesColours(theme: Theme): string[] {
  return theme.palette.mode === 'dark'
    ? [theme.palette.primary.main, '#ffb74d', theme.palette.secondary.main, '#f48fb1', '#ce93d8', '#bcaaa4']
    : [theme.palette.primary.main, '#b85c00', theme.palette.secondary.main, '#ad1457', '#6a1b9a', '#5d4037']
}

export const colourOf = (theme: Theme, i: number) => {
  const colours = seriesColours(theme)
  return colours[i % colours.length]!
}

/** The hatching of a hidden or banded bar, as CSS for legend swatches (the chart draws the same as an SVG pattern). */
export const hatchCss = (colour: string) => `repeating-linear-gradient(45deg, ${colour} 0 2px, transparent 2px 6px)`
