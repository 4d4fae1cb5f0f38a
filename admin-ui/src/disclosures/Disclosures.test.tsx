import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { apiError, server, signedInAs } from '../test/server'
import type { DisclosureRecord } from './types'

/** A record as the API answers it: the same camelCase names POST and PUT take. */
const record: DisclosureRecord = {
  id: 5,
  type: 'subpoena',
  status: 'under_review',
  open: true,
  authority: 'Hangzhou Intermediate People’s Court',
  requestingOfficer: null,
  jurisdiction: 'CN',
  legalBasis: 'Civil Procedure Law, art. 67',
  caseNumber: '(2026) Zhe 01 Min Chu 2041',
  receivedAt: '2026-11-20T00:00:00.000Z',
  dueAt: '2026-12-04T00:00:00.000Z',
  categoriesRequested: ['identity'],
  categoriesProduced: [],
  outcome: null,
  partial: false,
  emergencyJustification: null,
  nondisclosureUntil: null,
  customerNotifiedAt: null,
  noticeNote: null,
  noticeDue: false,
  holdRequested: false,
  statusNote: null,
  postReviewAt: null,
  postReviewNote: null,
  postReviewByName: null,
  createdByName: 'Chen Jing',
  reviewedByName: 'Chen Jing',
  disclosedByName: null,
  disclosedAt: null,
  closedAt: null,
  subjectIds: [1],
  subjects: [{ id: 1, name: 'W*** Z***', country: 'CN', status: 'active' }],
  holds: [],
  amendments: [],
  attachments: [
    {
      id: 3,
      filename: '传票.pdf',
      contentType: 'application/pdf',
      size: 2048,
      sha256: 'ab'.repeat(32),
      createdAt: '2026-11-20T09:00:00.000Z',
    },
  ],
}
const customers = [
  { id: 1, name: 'W*** Z***', email: 'w***@163.com', phone: '•••• 5678', city: 'Hangzhou', country: 'CN', status: 'active' },
]
const snakeCase = (o: object) => Object.keys(o).filter((k) => k.includes('_'))

function api() {
  return [
    ...signedInAs('compliance'),
    http.get('/api/disclosures', () => HttpResponse.json([record], { headers: { 'Content-Range': 'disclosures 0-0/1' } })),
    http.get('/api/disclosures/5', () => HttpResponse.json(record)),
    http.get('/api/customers', () => HttpResponse.json(customers, { headers: { 'Content-Range': 'customers 0-0/1' } })),
  ]
}

describe('the disclosure console', () => {
  it('lists records by the names the API gives them, sorted by receivedAt', async () => {
    let sort: string | null = null
    server.use(
      http.get('/api/disclosures', ({ request }) => {
        sort = new URL(request.url).searchParams.get('sort')
        return HttpResponse.json([record], { headers: { 'Content-Range': 'disclosures 0-0/1' } })
      }),
      ...api(),
    )
    window.location.hash = '#/disclosures'
    render(<App />)
    expect(await screen.findByText('(2026) Zhe 01 Min Chu 2041', {}, { timeout: 5000 })).toBeTruthy()
    expect(sort).toBe(JSON.stringify(['receivedAt', 'DESC']))
    expect(screen.getByRole('columnheader', { name: /Received/ })).toBeTruthy()
    expect(screen.getByRole('columnheader', { name: /Case or docket number/ })).toBeTruthy()
    expect(screen.getByText('Under review')).toBeTruthy()
  })

  it('shows one record’s fields and its attachment under its own name', async () => {
    server.use(...api())
    window.location.hash = '#/disclosures/5/show'
    render(<App />)
    expect(
      await screen.findByRole('heading', { level: 1, name: /Subpoena · \(2026\) Zhe 01 Min Chu 2041/ }, { timeout: 5000 }),
    ).toBeTruthy()
    expect(screen.getByText('Civil Procedure Law, art. 67')).toBeTruthy()
    expect(screen.getByText('Logged by')).toBeTruthy()
    const link = screen.getByRole('link', { name: '传票.pdf' })
    expect(link.getAttribute('href')).toBe('/api/disclosures/5/attachments/3')
  })

  it('edits in the same names: the form loads the record as it came and PUTs the editable fields back, and shows a 409', async () => {
    let sent: Record<string, unknown> | undefined
    server.use(
      ...api(),
      http.put('/api/disclosures/5', async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>
        return apiError(409, 'conflict', 'This record is closed and cannot be changed. Add an amendment with the reason instead.')
      }),
    )
    window.location.hash = '#/disclosures/5'
    render(<App />)
    const caseNumber = await screen.findByLabelText(/Case or docket number/, {}, { timeout: 5000 })
    await waitFor(() => expect((caseNumber as HTMLInputElement).value).toBe('(2026) Zhe 01 Min Chu 2041'))
    expect((screen.getByLabelText(/Legal basis/) as HTMLInputElement).value).toBe('Civil Procedure Law, art. 67')
    expect((screen.getByLabelText(/^Received/) as HTMLInputElement).value).toBe('2026-11-20')
    await userEvent.clear(caseNumber)
    await userEvent.type(caseNumber, '(2026) Zhe 01 Min Chu 2014')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    expect(await screen.findByText(/This record is closed and cannot be changed/)).toBeTruthy()
    expect(sent).toMatchObject({
      caseNumber: '(2026) Zhe 01 Min Chu 2014',
      legalBasis: 'Civil Procedure Law, art. 67',
      subjectIds: [1],
      requestingOfficer: null,
      holdRequested: false,
    })
    expect(snakeCase(sent!)).toEqual([])
    expect(Object.keys(sent!)).not.toContain('status')
  })

  it('shows the accounting entries of one customer', async () => {
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/disclosures/accounting/1', () =>
        HttpResponse.json({
          customerId: 1,
          since: '2020-11-20T00:00:00.000Z',
          generatedAt: '2026-11-20T09:00:00.000Z',
          entries: [
            {
              disclosureId: 5,
              date: '2026-11-20T09:00:00.000Z',
              recipient: 'Hangzhou Intermediate People’s Court',
              jurisdiction: 'CN',
              what: ['identity'],
              why: 'Civil Procedure Law, art. 67',
              requestType: 'subpoena',
              caseNumber: '(2026) Zhe 01 Min Chu 2041',
              partial: false,
            },
          ],
        }),
      ),
    )
    window.location.hash = '#/accounting/1'
    render(<App />)
    const row = (await screen.findByText(/Civil Procedure Law, art\. 67/, {}, { timeout: 5000 })).closest('tr')!
    expect(within(row).getByText(/Subpoena \(2026\) Zhe 01 Min Chu 2041/)).toBeTruthy()
    expect(screen.getAllByText(/customer #1/).length).toBeGreaterThan(0)
  })
})
