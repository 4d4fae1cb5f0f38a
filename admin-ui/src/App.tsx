import { CssBaseline } from '@mui/material'
import { lazy, type ReactNode, Suspense } from 'react'
import {
  AdminContext,
  AuthenticationError,
  CoreAdminUI,
  CustomRoutes,
  Error as ErrorPage,
  LoadingPage,
  localStorageStore,
  Notification,
  Resource,
  type ResourceProps,
} from 'react-admin'
import { Route } from 'react-router-dom'
import auditLog from './audit-log'
import customers from './customers'
import disclosures from './disclosures'
import flags from './flags'
import grants from './grants'
import outbox from './outbox'
import requests from './requests'
import { authProvider } from './authProvider'
import { dataProvider } from './dataProvider'
import { DraftsProvider } from './i18n/drafts'
import { i18nProvider } from './i18n/i18nProvider'
import { darkTheme, lightTheme } from './layout/themes'
import { NotForRole } from './NotForRole'
import { canRoleAccess, type Role } from './roles'
import settings from './settings'
import { SignInPage } from './sign-in/SignInPage'
import staff from './staff'

// What is not the sign-in page comes as chunks of its own, loaded when first shown: a new visitor's first download is
// the sign-in page and what it needs (scripts/src/bench/results.bench.ts, consoleDownload, measures it).
const FreshProofLayout = lazy(() => import('./mfa/FreshProofLayout').then((m) => ({ default: m.FreshProofLayout })))
// shown inside the layout, whose own Suspense shows react-admin's loading while it comes
const Dashboard = lazy(() => import('./dashboard/Dashboard').then((m) => ({ default: m.Dashboard })))
const SetPasswordPage = lazy(() => import('./sign-in/SetPasswordPage').then((m) => ({ default: m.SetPasswordPage })))

/** The console's layout; while its chunk loads, the page react-admin shows while it checks who is signed in. */
function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <Suspense fallback={<FullPageLoading />}>
      <FreshProofLayout>{children}</FreshProofLayout>
    </Suspense>
  )
}

const FullPageLoading = () => (
  <div style={{ height: '100vh' }}>
    <LoadingPage />
  </div>
)

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

/** react-admin keeps the chosen language and theme here, across visits (as <Admin> would). */
const store = localStorageStore()

/**
 * react-admin's <Admin>, in its two halves (AdminContext and what AdminUI renders) with every page given: <Admin> brings
 * the default layout, login page and error pages along whether or not they are used, and those would be part of the
 * sign-in page's download. The console's layout comes with the first signed-in page instead.
 */
export function App() {
  return (
    <DraftsProvider>
      <AdminContext
        dataProvider={dataProvider}
        authProvider={authProvider}
        i18nProvider={i18nProvider}
        store={store}
        theme={lightTheme}
        darkTheme={darkTheme}
      >
        <CssBaseline enableColorScheme>
          <CoreAdminUI
            title="Verity"
            dashboard={Dashboard}
            layout={ConsoleLayout}
            loginPage={SignInPage}
            loading={LoadingPage}
            error={ErrorPage}
            authenticationError={AuthenticationError}
            catchAll={NotForRole}
            accessDenied={NotForRole}
            requireAuth
            disableTelemetry
          >
            {/* public: a set-password link from an email opens it before anyone is signed in */}
            <CustomRoutes noLayout>
              <Route
                path="/set-password"
                element={
                  <Suspense fallback={<FullPageLoading />}>
                    <SetPasswordPage />
                  </Suspense>
                }
              />
            </CustomRoutes>
            {(role: Role | undefined) => routesFor(role)}
          </CoreAdminUI>
          <Notification />
        </CssBaseline>
      </AdminContext>
    </DraftsProvider>
  )
}
