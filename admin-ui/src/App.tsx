import { lazy } from 'react'
import { Admin, CustomRoutes, Resource } from 'react-admin'
import { Route } from 'react-router-dom'
import auditLog from './audit-log'
import customers from './customers'
import disclosures from './disclosures'
import flags from './flags'
import outbox from './outbox'
import requests from './requests'
import { authProvider } from './authProvider'
import { Dashboard } from './dashboard/Dashboard'
import { dataProvider } from './dataProvider'
import { i18nProvider } from './i18n/i18nProvider'
import { Layout } from './layout/Layout'
import { darkTheme, lightTheme } from './layout/themes'
import settings from './settings'
import staff from './staff'

const ReportsPage = lazy(() => import('./reports/ReportsPage'))
const BusinessReportsPage = lazy(() => import('./reports/BusinessReportsPage'))
const VerifyPage = lazy(() => import('./verify/VerifyPage'))
const TransparencyPage = lazy(() => import('./transparency/TransparencyPage'))
const AccountingPage = lazy(() => import('./disclosures/AccountingPage'))

export function App() {
  return (
    <Admin
      title="Verity"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      dashboard={Dashboard}
      layout={Layout}
      theme={lightTheme}
      darkTheme={darkTheme}
      requireAuth
      disableTelemetry
    >
      <Resource name="customers" {...customers} />
      <Resource name="requests" {...requests} />
      <Resource name="disclosures" {...disclosures} />
      <Resource name="flags" {...flags} />
      <Resource name="outbox" {...outbox} />
      <Resource name="staff" {...staff} />
      <Resource name="audit-log" {...auditLog} />
      <Resource name="settings" {...settings} />
      <CustomRoutes>
        <Route path="/reports" element={<ReportsPage />} />
        <Route path="/business-reports" element={<BusinessReportsPage />} />
        <Route path="/verify" element={<VerifyPage />} />
        <Route path="/transparency" element={<TransparencyPage />} />
        <Route path="/accounting/:customerId" element={<AccountingPage />} />
        <Route path="/verify/:customerId" element={<VerifyPage />} />
      </CustomRoutes>
    </Admin>
  )
}
