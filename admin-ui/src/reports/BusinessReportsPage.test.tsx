import { render, screen, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { Admin, CustomRoutes } from 'react-admin'
import { Route } from 'react-router-dom'
import { describe, expect, it } from 'vitest'
import { authProvider } from '../authProvider'
import { dataProvider } from '../dataProvider'
import { i18nProvider } from '../i18n/i18nProvider'
import { server, signedInAs } from '../test/server'
import BusinessReportsPage from './BusinessReportsPage'

/** The page on its own route, as App.tsx mounts it. */
const Console = () => (
  <Admin dataProvider={dataProvider} authProvider={authProvider} i18nProvider={i18nProvider} requireAuth disableTelemetry>
    <CustomRoutes>
      <Route path="/business-reports" element={<BusinessReportsPage />} />
    </CustomRoutes>
  </Admin>
)

describe('the sales and operations page', () => {
  it('shows revenue per currency with hidden cells marked, buyers, and the operations figures', async () => {
    server.use(
      ...signedInAs('manager'),
      http.get('/api/reports/commerce', () =>
        HttpResponse.json({
          k: 10,
          by: 'month',
          rows: [
            { month: '2026-01', currency: 'EUR', orders: 31, revenue_cents: 123456, average_cents: 3982, suppressed: false },
            { month: '2026-01', currency: 'USD', orders: null, revenue_cents: null, average_cents: null, suppressed: true },
          ],
        }),
      ),
      http.get('/api/reports/buyers', () =>
        HttpResponse.json({ k: 10, rows: [{ month: '2026-01', new: 12, returning: null, suppressed: true }] }),
      ),
      http.get('/api/reports/operations', () =>
        HttpResponse.json({
          verifications: { completed: 4, verified: 3, pass_rate_percent: 75 },
          requests: {
            by_type_and_status: [{ type: 'erasure', status: 'completed', count: 2 }],
            completed: 2,
            on_time_percent: 50,
            median_hours_to_complete: 1081,
          },
          disclosures: { band_below: 10, by_type_and_half_year: [{ period: '2026-H2', type: 'court_order', requests: '0–9' }] },
        }),
      ),
    )
    window.location.hash = '#/business-reports'
    render(<Console />)
    const eur = (await screen.findByRole('cell', { name: '€1,234.56' }, { timeout: 5000 })).closest('tr')!
    expect(within(eur).getByText('31')).toBeTruthy()
    const usd = screen.getByRole('cell', { name: 'USD' }).closest('tr')!
    expect(within(usd).getAllByText('hidden')).toHaveLength(3)
    expect(await screen.findByText('New and returning buyers')).toBeTruthy()
    expect(await screen.findByText(/^75 %/)).toBeTruthy()
    expect(screen.getByText('0–9')).toBeTruthy()
    expect(screen.getByText('Court order')).toBeTruthy()
  })
})
