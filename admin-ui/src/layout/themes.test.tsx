import { createTheme, getContrastRatio } from '@mui/material/styles'
import { describe, expect, it } from 'vitest'
import { darkTheme, lightTheme } from './themes'

const COLOURS = ['primary', 'secondary', 'error', 'warning', 'info', 'success'] as const

describe.each([
  ['light', lightTheme, ['#ffffff', '#f4f6fa']],
  ['dark', darkTheme, ['#121212', '#1e1e1e']],
] as const)('the %s theme meets WCAG AA for text (4.5:1)', (_, options, backgrounds) => {
  const theme = createTheme(options)
  const { palette } = theme

  it.each(COLOURS)('on a filled %s chip or button', (colour) => {
    expect(getContrastRatio(palette[colour].main, palette[colour].contrastText)).toBeGreaterThanOrEqual(4.5)
  })

  // status words drawn in their colour (due today, overdue) and secondary text (empty states, captions), on the page
  // and on a card (a dark card is lighter than the page)
  it.each(backgrounds)('in status colours and secondary text on %s', (background) => {
    for (const colour of ['error', 'warning', 'success', 'primary'] as const) {
      expect(getContrastRatio(palette[colour].main, background), colour).toBeGreaterThanOrEqual(4.5)
    }
    expect(getContrastRatio(palette.text.secondary, background)).toBeGreaterThanOrEqual(4.5)
  })

  it('shows an empty list’s message in secondary text, not react-admin’s disabled grey', () => {
    const root = theme.components?.RaEmpty?.styleOverrides?.root as (p: { theme: typeof theme }) => Record<string, { color: string }>
    expect(root({ theme })['& .RaEmpty-message']!.color).toBe(palette.text.secondary)
  })
})
