import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'
import { pick } from './chartShape'
import { filenameOf } from './exportCsv'
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

describe('what a chart keeps', () => {
  const totals = new Map([
    ['2024-03', 5],
    ['2024-01', 50],
    ['2024-02', 0],
  ])
  it('keeps the latest months in time order, the largest of the rest in their order or by size', () => {
    expect(pick(totals, 'time', 2)).toEqual({ keys: ['2024-02', '2024-03'], of: 3 })
    expect(pick(totals, 'fixed', 2)).toEqual({ keys: ['2024-03', '2024-01'], of: 3 })
    expect(pick(totals, 'size', 2)).toEqual({ keys: ['2024-01', '2024-03'], of: 3 })
    expect(pick(totals, 'size', 5)).toEqual({ keys: ['2024-01', '2024-03', '2024-02'], of: 3 })
  })
})

describe('export file names', () => {
  it('come from Content-Disposition, the UTF-8 form first', () => {
    expect(filenameOf(`attachment; filename="demographics.csv"; filename*=UTF-8''%E4%BA%BA%E5%8F%A3.csv`)).toBe('人口.csv')
    expect(filenameOf('attachment; filename="demographics-2026.csv"')).toBe('demographics-2026.csv')
    expect(filenameOf('attachment; filename=plain.csv')).toBe('plain.csv')
    expect(filenameOf(null)).toBeNull()
  })
})

const BANDS = ['under_13', '13-17', '18-24']
const COUNTRIES = ['AE', 'AU', 'BR', 'CN', 'DE', 'ES', 'FR', 'GB', 'IN', 'JP', 'KR', 'MX', 'RU', 'US', 'VN', 'unknown']
/** Big countries have many customers, small ones few, so which five a chart keeps is clear. */
const size: Record<string, number> = { CN: 90, US: 80, GB: 70, DE: 60, JP: 50 }

type Row = Record<string, string | number | boolean | null>
/** The demographics API: one dimension by age band, two by age band and country, three adding gender. */
function demographicsApi(asked: URL[] = []) {
  return http.get('/api/reports/demographics', ({ request }) => {
    const url = new URL(request.url)
    asked.push(url)
    const by = (url.searchParams.get('by') ?? 'age_band').split(',')
    let rows: Row[]
    if (by.length === 1)
      rows = [
        { age_band: '18-24', count: 274, suppressed: false },
        { age_band: '65+', count: null, suppressed: true },
        { age_band: 'unknown', count: 31, suppressed: false },
      ]
    else
      rows = BANDS.flatMap((age_band) =>
        COUNTRIES.flatMap((country) =>
          (by[2] ? ['female', 'male'] : ['']).map((gender) => {
            // Japan's under-13s are too few: a hidden cell among the charted ones
            const n = country === 'JP' && age_band === 'under_13' ? 3 : (size[country] ?? 4)
            const cell: Row = { age_band, country, count: n < 10 ? null : n, suppressed: n < 10 }
            if (by[2]) cell.gender = gender
            return cell
          }),
        ),
      )
    return HttpResponse.json({ k: 10, by, from: url.searchParams.get('from'), to: url.searchParams.get('to'), noise: 2, rows })
  })
}

async function choose(label: string, option: string) {
  fireEvent.mouseDown(within(screen.getByLabelText(label).closest('.MuiFormControl-root') as HTMLElement).getByRole('combobox'))
  fireEvent.click(await screen.findByRole('option', { name: option }))
}

describe('the demographics dashboard', () => {
  it('labels groups in words, marks hidden ones as hidden rather than zero, explains the noise, and sends the period', async () => {
    const asked: URL[] = []
    server.use(...signedInAs('manager'), demographicsApi(asked))
    window.location.hash = '#/reports'
    render(<App />)
    const shown = (await screen.findByRole('cell', { name: '274' }, { timeout: 5000 })).closest('tr')!
    expect(within(shown).getByText('18–24')).toBeTruthy()
    const hidden = screen.getByRole('cell', { name: '65 and over' }).closest('tr')!
    expect(within(hidden).getByText('hidden (fewer than 10)')).toBeTruthy()
    expect(screen.getByRole('cell', { name: 'Unknown' })).toBeTruthy()
    expect(screen.getByText(/moved up or down at random by at most 2/)).toBeTruthy()
    expect(screen.getByText(/Groups of fewer than 10 customers are hidden/)).toBeTruthy()
    // the chart's key says what a hatched bar is: one bar series, so no colour key
    expect(await screen.findByText('Hidden: fewer than 10 (the hatched bar only marks the limit)')).toBeTruthy()
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

  it('maps age band by country as a heat map of every combination, hidden groups said and hatched; three groupings are a table only', async () => {
    server.use(...signedInAs('manager'), demographicsApi())
    window.location.hash = '#/reports'
    render(<App />)
    await screen.findByRole('cell', { name: '274' }, { timeout: 5000 })
    await choose('Then by', 'Country')

    // every one of the 16 countries is a column of the map: nothing is cut
    const map = await screen.findByRole(
      'region',
      {
        name: 'Heat map of customers by Age band × Country: each cell is a group, darker for more customers',
      },
      { timeout: 5000 },
    )
    const columns = within(map).getAllByRole('columnheader')
    expect(columns).toHaveLength(1 + 16)
    expect(within(map).getByRole('columnheader', { name: 'Vietnam' })).toBeTruthy()
    // a hidden group says so in its cell, and the legend says it is not zero
    expect(within(map).getAllByText('hidden').length).toBeGreaterThan(0)
    expect(screen.getByText('Hidden: fewer than 10 customers (not zero; may also be empty)')).toBeTruthy()
    expect(screen.queryByText(/The chart shows the 5 largest/)).toBeNull()
    // the table beside still lists every row
    const vietnam = screen.getAllByRole('cell', { name: 'Vietnam' })
    expect(vietnam).toHaveLength(3)
    expect(within(vietnam[0]!.closest('tr')!).getByText('hidden (fewer than 10)')).toBeTruthy()
    expect(screen.getByRole('heading', { name: 'Customers by Age band × Country' })).toBeTruthy()

    await choose('And by', 'Gender')
    expect(await screen.findByText(/With three groupings the figures are in the table only/)).toBeTruthy()
    expect(screen.queryByRole('region', { name: /Heat map/ })).toBeNull()
    expect(screen.getAllByRole('cell', { name: 'Female' }).length).toBeGreaterThan(0)
  })
})

describe('downloading the demographics as CSV', () => {
  const saved: { name: string; blob: Blob }[] = []
  let blobs: Blob[] = []
  beforeEach(() => {
    saved.length = 0
    blobs = []
    URL.createObjectURL = vi.fn((b: Blob) => {
      blobs.push(b)
      return `blob:${blobs.length}`
    })
    URL.revokeObjectURL = vi.fn()
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, blob: blobs[Number(this.href.split(':').pop()) - 1]! })
    })
  })
  afterEach(() => vi.restoreAllMocks())

  const csv = (body: string, headers: Record<string, string> = {}) =>
    new HttpResponse(body, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="demographics-age_band.csv"',
        ...headers,
      },
    })

  it('posts the table’s grouping and period and saves the file under the server’s name', async () => {
    const posted: unknown[] = []
    server.use(
      ...signedInAs('manager'),
      demographicsApi(),
      http.post('/api/reports/exports', async ({ request }) => {
        posted.push(await request.json())
        return csv('age_band,country,count\r\n18-24,CN,90\r\n')
      }),
    )
    window.location.hash = '#/reports'
    render(<App />)
    await screen.findByRole('cell', { name: '274' }, { timeout: 5000 })
    await choose('Then by', 'Country')
    await screen.findAllByRole('cell', { name: 'Vietnam' })
    fireEvent.change(screen.getByLabelText('Signed up from'), { target: { value: '2025-01-01' } })
    fireEvent.change(screen.getByLabelText('Signed up until'), { target: { value: '2025-12-31' } })
    // the download is of the table on screen: wait for the table of that period
    await screen.findByText('Signed up Jan 1, 2025 – Dec 31, 2025')
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }))
    await waitFor(() => expect(posted).toEqual([{ report: 'demographics', by: 'age_band,country', from: '2025-01-01', to: '2025-12-31' }]))
    await waitFor(() => expect(saved.at(-1)?.name).toBe('demographics-age_band.csv'))
    expect(await saved.at(-1)!.blob.text()).toContain('18-24,CN,90')
    expect(await screen.findByText('Saved demographics-age_band.csv.')).toBeTruthy()
  })

  it('with privacy noise: explains ε, shows the budget left, refuses more than is left, and spends what is asked', async () => {
    const posted: Record<string, unknown>[] = []
    let remaining = 0.3
    server.use(
      ...signedInAs('manager'),
      demographicsApi(),
      http.get('/api/reports/exports', () =>
        HttpResponse.json({ budget: { year: 2026, total: 2, spent: 2 - remaining, remaining }, exports: [] }),
      ),
      http.post('/api/reports/exports', async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>
        posted.push(body)
        remaining -= Number(body.epsilon)
        return csv('age_band,count\r\n18-24,271\r\n', { 'X-Privacy-Budget-Remaining': remaining.toFixed(2) })
      }),
    )
    window.location.hash = '#/reports'
    render(<App />)
    await screen.findByRole('cell', { name: '274' }, { timeout: 5000 })
    fireEvent.click(screen.getByRole('button', { name: 'Download with privacy noise…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Download with privacy noise' })
    expect(within(dialog).getByText(/smaller ε means more noise/)).toBeTruthy()
    expect(within(dialog).getByText(/recorded with your name/)).toBeTruthy()
    expect(await within(dialog).findByText('Budget left for 2026: 0.30 of 2.00.')).toBeTruthy()
    const epsilon = within(dialog).getByLabelText('ε (epsilon)') as HTMLInputElement
    expect(epsilon.value).toBe('0.5')
    expect(document.activeElement).toBe(epsilon)
    // 0.5 is more than is left: refused here, nothing sent
    expect(within(dialog).getByText('Only 0.30 of this year’s budget is left: choose an ε no larger.')).toBeTruthy()
    const spend = within(dialog).getByRole('button', { name: 'Spend and download' }) as HTMLButtonElement
    expect(spend.disabled).toBe(true)
    fireEvent.change(epsilon, { target: { value: '3' } })
    expect(within(dialog).getByText('Choose an ε from 0.05 to 2.00.')).toBeTruthy()

    fireEvent.change(epsilon, { target: { value: '0.125' } })
    expect(within(dialog).getByText('Give ε with at most two decimal places, such as 0.25.')).toBeTruthy()
    fireEvent.change(epsilon, { target: { value: '0.25' } })
    expect(spend.disabled).toBe(false)
    // Enter in the field submits, as a form does
    fireEvent.submit(epsilon.closest('form')!)
    await waitFor(() => expect(posted).toEqual([{ report: 'demographics', by: 'age_band', epsilon: 0.25 }]))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(await screen.findByText('Saved demographics-age_band.csv. Privacy budget left this year: 0.05.')).toBeTruthy()
    expect(saved).toHaveLength(1)
  })

  it('shows the server’s refusal when the budget was spent meanwhile, in the console’s words', async () => {
    server.use(
      ...signedInAs('manager'),
      demographicsApi(),
      http.get('/api/reports/exports', () => HttpResponse.json({ budget: { year: 2026, total: 2, spent: 1, remaining: 1 }, exports: [] })),
      http.post('/api/reports/exports', () =>
        HttpResponse.json(
          { error: { code: 'conflict', reason: 'export_budget_spent', message: 'The privacy budget for 2026 is spent' } },
          { status: 409 },
        ),
      ),
    )
    window.location.hash = '#/reports'
    render(<App />)
    await screen.findByRole('cell', { name: '274' }, { timeout: 5000 })
    fireEvent.click(screen.getByRole('button', { name: 'Download with privacy noise…' }))
    const dialog = await screen.findByRole('dialog')
    await within(dialog).findByText('Budget left for 2026: 1.00 of 2.00.')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Spend and download' }))
    expect(
      await within(dialog).findByText(
        'This year’s privacy budget for noisy downloads is spent. Download without noise, or wait until next year.',
      ),
    ).toBeTruthy()
    expect(saved).toHaveLength(0)
  })
})
