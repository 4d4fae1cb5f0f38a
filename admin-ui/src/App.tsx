import { lazy, type ReactNode } from 'react'
import { Admin, CustomRoutes, Resource, type ResourceProps } from 'react-admin'
import { Route } from 'react-router-dom'
import auditLog from './audit-log'
import customers from './customers'
import disclosures from './disclosures'
import flags from './flags'
import grants from './grants'
import outbox from './outbox'
import requests from './requests'
import { authProvider } from './authProvider'
import { Dashboard } from './dashboard/Dashboard'
import { dataProvider } from './dataProvider'
import { i18nProvider } from './i18n/i18nProvider'
import { darkTheme, lightTheme } from './layout/themes'
import { FreshProofLayout } from './mfa/FreshProofLayout'
import { NotForRole } from './NotForRole'
import { canRoleAccess, type Role } from './roles'
import settings from './settings'
import { SetPasswordPage } from './sign-in/SetPasswordPage'
import { SignInPage } from './sign-in/SignInPage'
import staff from './staff'

const ReportsPage = lazy(() => import('./reports/ReportsPage'))
const BusinessReportsPage = lazy(() => import('./reports/BusinessReportsPage'))
const VerifyPage = lazy(() => import('./verify/VerifyPage'))
const TransparencyPage = lazy(() => import('./transparency/TransparencyPage'))
const AccountingPage = lazy(() => import('./disclosures/AccountingPage'))
const SessionsPage = lazy(() => import('./sessions/SessionsPage'))

type Views = Omit<ResourceProps, 'name'>
const RESOURCES: Record<string, Views> = {
  customers,
  requests,
  disclosures,
  flags,
  outbox,
  staff,
  grants,
  'audit-log': auditLog,
  settings,
}

/** The console's own pages, each with the entry of the roles table (roles.ts PAGE_ACCESS) that opens it. */
const PAGES: { path: string; access: string; element: ReactNode }[] = [
  { path: '/reports', access: 'reports', element: <ReportsPage /> },
  { path: '/business-reports', access: 'reports', element: <BusinessReportsPage /> },
  { path: '/verify', access: 'verify', element: <VerifyPage /> },
  { path: '/verify/:customerId', access: 'verify', element: <VerifyPage /> },
  { path: '/transparency', access: 'transparency', element: <TransparencyPage /> },
  { path: '/accounting/:customerId', access: 'disclosures', element: <AccountingPage /> },
  // every role: one's own sessions
  { path: '/sessions', access: 'dashboard', element: <SessionsPage /> },
]

/**
 * Only the resources and pages the role may open are registered (roles.ts); any other address of the console shows
 * NotForRole, which says the page is not for this role and leads back to the dashboard.
 */
function routesFor(role: Role | undefined) {
  return [
    ...Object.entries(RESOURCES)
      .filter(([name]) => canRoleAccess(role, name, 'list'))
      .map(([name, views]) => <Resource key={name} name={name} {...views} />),
    <CustomRoutes key="pages">
      {PAGES.filter((p) => canRoleAccess(role, p.access, 'list')).map((p) => (
        <Route key={p.path} path={p.path} element={p.element} />
      ))}
    </CustomRoutes>,
  ]
}

export function App() {
  return (
    <Admin
      title="Verity"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      dashboard={Dashboard}
      layout={FreshProofLayout}
      loginPage={SignInPage}
      catchAll={NotForRole}
      accessDenied={NotForRole}
      theme={lightTheme}
      darkTheme={darkTheme}
      requireAuth
      disableTelemetry
    >
      {/* public: a set-password link from an email opens it before anyone is signed in */}
      <CustomRoutes noLayout>
        <Route path="/set-password" element={<SetPasswordPage />} />
      </CustomRoutes>
      {(role: Role | undefined) => routesFor(role)}
    </Admin>
  )
}
