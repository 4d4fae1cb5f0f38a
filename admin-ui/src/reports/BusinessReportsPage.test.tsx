import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { Admin, CustomRoutes } from 'react-admin'
import { Route } from 'react-router-dom'
import { afterEach, describe, expect, it, vi } from 'vitest'
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

/** The reports API of one January: euros shown, dollars hidden, a hidden February in euros, hidden returning buyers. */
const reportsApi = (asked: URL[] = []) => [
  http.get('/api/reports/commerce', ({ request }) => {
    asked.push(new URL(request.url))
    return HttpResponse.json({
      k: 10,
      by: 'month',
      rows: [
        { month: '2026-01', currency: 'EUR', orders: 31, revenue_cents: 123456, average_cents: 3982, suppressed: false },
        { month: '2026-01', currency: 'USD', orders: null, revenue_cents: null, average_cents: null, suppressed: true },
        { month: '2026-02', currency: 'EUR', orders: null, revenue_cents: null, average_cents: null, suppressed: true },
      ],
    })
  }),
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
]

describe('the sales and operations page', () => {
  it('shows revenue per currency with hidden cells marked, buyers, and the operations figures', async () => {
    server.use(...signedInAs('manager'), ...reportsApi())
    window.location.hash = '#/business-reports'
    render(<Console />)
    const eur = (await screen.findByRole('cell', { name: '€1,234.56' }, { timeout: 5000 })).closest('tr')!
    expect(within(eur).getByText('31')).toBeTruthy()
    expect(within(eur).getByText('Jan 2026')).toBeTruthy()
    const usd = screen.getByRole('cell', { name: 'USD' }).closest('tr')!
    expect(within(usd).getAllByText('hidden')).toHaveLength(3)
    // the euro chart hatches February's hidden revenue and says what that means; the hidden buyers likewise
    expect(await screen.findByText(/^Hidden: fewer than 10 customers, or one brings most of the revenue/)).toBeTruthy()
    expect(await screen.findByText('Hidden: fewer than 10 (the hatched bar only marks the limit)')).toBeTruthy()
    const buyers = screen.getByText('hidden (fewer than 10)').closest('tr')!
    expect(within(buyers).getByText('12')).toBeTruthy()
    expect(await screen.findByText('New and returning buyers')).toBeTruthy()
    expect(await screen.findByText(/^75 %/)).toBeTruthy()
    expect(screen.getByText('0–9')).toBeTruthy()
    expect(screen.getByText('Court order')).toBeTruthy()
  })
})

describe('downloading sales figures as CSV', () => {
  afterEach(() => vi.restoreAllMocks())

  it('posts the grouping and period of each table', async () => {
    const saved: string[] = []
    URL.createObjectURL = vi.fn(() => 'blob:1')
    URL.revokeObjectURL = vi.fn()
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download)
    })
    const posted: unknown[] = []
    server.use(
      ...signedInAs('manager'),
      ...reportsApi(),
      http.post('/api/reports/exports', async ({ request }) => {
        const body = (await request.json()) as { report: string }
        posted.push(body)
        return new HttpResponse('month,currency,orders\r\n', {
          headers: { 'Content-Type': 'text/csv', 'Content-Disposition': `attachment; filename="${body.report}.csv"` },
        })
      }),
    )
    window.location.hash = '#/business-reports'
    render(<Console />)
    await screen.findByRole('cell', { name: '€1,234.56' }, { timeout: 5000 })
    const year = new Date().getUTCFullYear() - 1
    const [commerce, buyers] = screen.getAllByRole('button', { name: 'Download CSV' })
    fireEvent.click(commerce!)
    await waitFor(() => expect(saved).toEqual(['commerce.csv']))
    fireEvent.click(buyers!)
    await waitFor(() => expect(saved).toEqual(['commerce.csv', 'buyers.csv']))
    expect(posted).toEqual([
      { report: 'commerce', by: 'month', from: `${year}-01-01`, to: `${year}-12-31` },
      { report: 'buyers', from: `${year}-01-01`, to: `${year}-12-31` },
    ])
  })
})
