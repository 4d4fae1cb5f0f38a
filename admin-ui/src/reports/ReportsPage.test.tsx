import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'
import { isWholePeriod } from './Period'

describe('whole periods', () => {
  it('are a calendar month, quarter or year', () => {
    expect(isWholePeriod('2024-02-01', '2024-02-29')).toBe(true)
    expect(isWholePeriod('2024-04-01', '2024-06-30')).toBe(true)
    expect(isWholePeriod('2024-01-01', '2024-12-31')).toBe(true)
    expect(isWholePeriod('2024-02-01', '2024-04-30')).toBe(false)
    expect(isWholePeriod('2024-01-01', '2024-05-31')).toBe(false)
  })
})

describe('the demographics report page', () => {
  it('shows shown and hidden groups, says counts are perturbed, and sends the signup range', async () => {
    const asked: URL[] = []
    server.use(
      ...signedInAs('manager'),
      http.get('/api/reports/demographics', ({ request }) => {
        const url = new URL(request.url)
        asked.push(url)
        return HttpResponse.json({
          k: 10,
          by: ['age_band'],
          from: url.searchParams.get('from'),
          to: url.searchParams.get('to'),
          noise: 2,
          rows: [
            { age_band: '18-24', count: 274, suppressed: false },
            { age_band: '65+', count: null, suppressed: true },
          ],
        })
      }),
    )
    window.location.hash = '#/reports'
    render(<App />)
    const shown = (await screen.findByRole('cell', { name: '274' }, { timeout: 5000 })).closest('tr')!
    expect(within(shown).getByText('18-24')).toBeTruthy()
    const hidden = screen.getByRole('cell', { name: '65+' }).closest('tr')!
    expect(within(hidden).getByText('hidden')).toBeTruthy()
    expect(screen.getByText(/moved by up to 2/)).toBeTruthy()
    expect(asked[0]!.searchParams.get('by')).toBe('age_band')

    fireEvent.change(screen.getByLabelText('Signed up from'), { target: { value: '2024-01-01' } })
    fireEvent.change(screen.getByLabelText('Signed up until'), { target: { value: '2024-03-31' } })
    await waitFor(() =>
      expect(asked.some((u) => u.searchParams.get('from') === '2024-01-01' && u.searchParams.get('to') === '2024-03-31')).toBe(true),
    )

    // A range that ends before it starts, or is not a whole month, quarter or year, is not sent, and says why.
    const before = asked.length
    fireEvent.change(screen.getByLabelText('Signed up until'), { target: { value: '2023-12-31' } })
    expect(await screen.findByText('The range ends before it starts')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Signed up until'), { target: { value: '2024-02-15' } })
    expect(await screen.findByText(/one whole calendar month, quarter or year/)).toBeTruthy()
    expect(asked.slice(before).every((u) => !u.searchParams.get('to'))).toBe(true)
  })
})
