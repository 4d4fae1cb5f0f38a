import type { ReactNode } from 'react'
import { AppBar, Layout as RaLayout, useGetIdentity, UserMenu, useTranslate } from 'react-admin'
import { Menu } from './Menu'

/**
 * The user menu's button shows the staff member's name; its accessible name starts with that name, so that what is
 * seen is what a screen reader or voice control calls it (WCAG 2.5.3, label in name).
 */
function StaffMenu() {
  const { identity } = useGetIdentity()
  const translate = useTranslate()
  const menu = translate('ra.auth.user_menu')
  return <UserMenu label={identity?.fullName ? `${identity.fullName} · ${menu}` : menu} />
}

const StaffAppBar = () => <AppBar userMenu={<StaffMenu />} />

export function Layout({ children }: { children: ReactNode }) {
  return (
    <RaLayout menu={Menu} appBar={StaffAppBar}>
      {children}
    </RaLayout>
  )
}
