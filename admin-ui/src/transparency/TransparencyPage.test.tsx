import { render, screen, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

describe('the transparency report page', () => {
  it('shows each row and the totals under the names the API gives them', async () => {
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/disclosures/transparency-report', () =>
        HttpResponse.json({
          bandBelow: 10,
          rows: [
            {
              period: '2025-H2',
              type: 'court_order',
              jurisdiction: 'US',
              outcome: 'rejected',
              requests: '0–9',
              accountsSpecified: '0–9',
              shareWithDataProduced: null,
            },
            {
              period: '2026-H1',
              type: 'subpoena',
              jurisdiction: 'CN',
              outcome: 'non_content',
              requests: '12',
              accountsSpecified: '0–9',
              shareWithDataProduced: 75,
            },
          ],
          totals: {
            requests: '12',
            accountsSpecified: '0–9',
            requestsForData: '11',
            preservationRequests: '0–9',
            shareWithDataProduced: 64,
          },
        }),
      ),
    )
    window.location.hash = '#/transparency'
    render(<App />)
    const row = (await screen.findByRole('cell', { name: '2026-H1' }, { timeout: 5000 })).closest('tr')!
    expect(within(row).getByText('75 %')).toBeTruthy()
    expect(within(row).getByText('0–9')).toBeTruthy()
    const total = screen.getByText('All requests').closest('tr')!
    expect(within(total).getByText('0–9')).toBeTruthy()
    expect(screen.getByText(/Counts under 10 show as a band/)).toBeTruthy()
    // a half-year of banded counts is drawn, hatched up to the most it can be, and the key says so
    expect(
      await screen.findByText('Fewer than 10: the exact count is not published; the hatched bar reaches the most it can be (9)'),
    ).toBeTruthy()
  })
})
