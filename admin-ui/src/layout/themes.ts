import type { Theme } from '@mui/material'
import { defaultDarkTheme, defaultTheme, type RaThemeOptions } from 'react-admin'

/**
 * Colours meet WCAG AA for text (4.5:1) in both themes: `contrastThreshold: 4.5` makes MUI pick black or white text on a
 * filled chip or button by that ratio (its default, 3, puts white on orange), and the status colours used as text (due
 * today, overdue, a match) are shades that read on the page and on a card. The empty state of a list is text.secondary,
 * not react-admin's text.disabled (2.6:1).
 */
const components: RaThemeOptions['components'] = {
  // A closed sidebar shows its icons only: items are clipped to its width, so no first letter of a label shows beside them.
  RaMenu: { styleOverrides: { root: { '&.RaMenu-closed .MuiMenuItem-root': { width: 55, overflow: 'hidden' } } } },
  RaEmpty: {
    styleOverrides: { root: ({ theme }: { theme: Theme }) => ({ '& .RaEmpty-message': { color: theme.palette.text.secondary } }) },
  },
}
const shared = { shape: { borderRadius: 8 }, sidebar: { width: 220 } }

export const lightTheme: RaThemeOptions = {
  ...defaultTheme,
  ...shared,
  components: { ...defaultTheme.components, ...components },
  palette: {
    mode: 'light',
    contrastThreshold: 4.5,
    primary: { main: '#1e4fa3' },
    secondary: { main: '#0f6b5c' },
    warning: { main: '#a84d00' },
    info: { main: '#0277bd' },
    background: { default: '#f4f6fa' },
  },
}

export const darkTheme: RaThemeOptions = {
  ...defaultDarkTheme,
  ...shared,
  components: { ...defaultDarkTheme.components, ...components },
  palette: {
    mode: 'dark',
    contrastThreshold: 4.5,
    primary: { main: '#8fb4ff' },
    secondary: { main: '#5fd0b8' },
    error: { main: '#ff7961' },
  },
}
