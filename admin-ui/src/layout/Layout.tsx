import LanguageIcon from '@mui/icons-material/Language'
import { IconButton, Menu as MuiMenu, MenuItem, type Theme, Tooltip, useMediaQuery } from '@mui/material'
import { type ReactNode, useState } from 'react'
import {
  AppBar,
  LoadingIndicator,
  Logout,
  LocalesMenuButton,
  Layout as RaLayout,
  TitlePortal,
  ToggleThemeButton,
  useGetIdentity,
  useLocales,
  useLocaleState,
  UserMenu,
  useTranslate,
} from 'react-admin'
import { SessionsMenuItem } from '../sessions/SessionsMenuItem'
import { Menu } from './Menu'

/**
 * The user menu's button shows the staff member's name; its accessible name starts with that name, so that what is
 * seen is what a screen reader or voice control calls it (WCAG 2.5.3, label in name). On a phone it is an icon.
 */
function StaffMenu() {
  const { identity } = useGetIdentity()
  const translate = useTranslate()
  const menu = translate('ra.auth.user_menu')
  return (
    <UserMenu label={identity?.fullName ? `${identity.fullName} · ${menu}` : menu}>
      <SessionsMenuItem />
      <Logout />
    </UserMenu>
  )
}

/** The language picker: the language's name on a wide screen, an icon (named "Language: English") on a phone. */
function LanguageMenu() {
  const translate = useTranslate()
  const languages = useLocales()
  const [locale, setLocale] = useLocaleState()
  const [anchor, setAnchor] = useState<HTMLElement | null>(null)
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  if (!small) return <LocalesMenuButton />
  const label = translate('verity.layout.language', { name: languages.find((l) => l.locale === locale)?.name ?? locale })
  return (
    <>
      <Tooltip title={label}>
        <IconButton color="inherit" aria-label={label} aria-haspopup="true" onClick={(e) => setAnchor(e.currentTarget)}>
          <LanguageIcon />
        </IconButton>
      </Tooltip>
      <MuiMenu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {languages.map((l) => (
          <MenuItem
            key={l.locale}
            lang={l.locale}
            selected={l.locale === locale}
            onClick={() => {
              setLocale(l.locale)
              setAnchor(null)
            }}
          >
            {l.name}
          </MenuItem>
        ))}
      </MuiMenu>
    </>
  )
}

/** On a phone the title gives way (cut short with an ellipsis) so that language, theme and user menu stay on screen. */
const StaffAppBar = () => (
  <AppBar
    userMenu={<StaffMenu />}
    toolbar={
      <>
        <LanguageMenu />
        <ToggleThemeButton />
        <LoadingIndicator />
      </>
    }
  >
    <TitlePortal sx={{ minWidth: 0 }} />
  </AppBar>
)

export function Layout({ children }: { children: ReactNode }) {
  return (
    <RaLayout menu={Menu} appBar={StaffAppBar}>
      {children}
    </RaLayout>
  )
}
