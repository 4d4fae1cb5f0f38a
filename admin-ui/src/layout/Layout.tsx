import LanguageIcon from '@mui/icons-material/Language'
import { IconButton, Menu as MuiMenu, MenuItem, type Theme, Tooltip, useMediaQuery } from '@mui/material'
import { type ReactNode, useEffect, useRef, useState } from 'react'
import {
  AppBar,
  LoadingIndicator,
  Logout,
  LocalesMenuButton,
  Layout as RaLayout,
  Sidebar,
  type SidebarProps,
  TitlePortal,
  ToggleThemeButton,
  useGetIdentity,
  useLocales,
  useLocaleState,
  UserMenu,
  useSidebarState,
  useTranslate,
} from 'react-admin'
import { languageTag } from '../i18n/i18nProvider'
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
            lang={languageTag(l.locale)}
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

/**
 * The menu on the side becomes a phone's drawer when the window narrows below 600 px. Switched in place, that drawer
 * kept the menu's "open" but drew nothing while covering the page: the next click was swallowed, and a screen reader
 * heard none of the page. A new drawer is made for the other width instead, and the menu closes as the screen turns
 * small (as a phone starts), opening again when it widens if it was open.
 */
function StaffSidebar(props: SidebarProps) {
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  return <Sidebar key={small ? 'drawer' : 'side'} {...props} />
}

function MenuFollowsWidth() {
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const [open, setOpen] = useSidebarState()
  const reopen = useRef(false)
  useEffect(() => {
    if (small && open) {
      reopen.current = true
      setOpen(false)
    } else if (!small && reopen.current) {
      reopen.current = false
      setOpen(true)
    }
    // only a change of width moves the menu; opening or closing it by hand is the user's
  }, [small])
  return null
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <RaLayout menu={Menu} appBar={StaffAppBar} sidebar={StaffSidebar}>
      <MenuFollowsWidth />
      {children}
    </RaLayout>
  )
}
