import { defaultDarkTheme, defaultTheme, type RaThemeOptions } from 'react-admin'

const shared = { shape: { borderRadius: 8 }, sidebar: { width: 220 } }

export const lightTheme: RaThemeOptions = {
  ...defaultTheme,
  ...shared,
  palette: { mode: 'light', primary: { main: '#1e4fa3' }, secondary: { main: '#0f6b5c' }, background: { default: '#f4f6fa' } },
}

export const darkTheme: RaThemeOptions = {
  ...defaultDarkTheme,
  ...shared,
  palette: { mode: 'dark', primary: { main: '#8fb4ff' }, secondary: { main: '#5fd0b8' } },
}
