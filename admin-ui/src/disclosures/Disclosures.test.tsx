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
  subjects: [{ id: 1, name: 'Z***', country: 'CN', status: 'active', matchKind: 'email', matchMasked: 'w***@163.com' }],
  actions: ['edit', 'close', 'disclose', 'withdraw', 'amend', 'attach'],
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
  { id: 1, name: 'Z***', email: 'w***@163.com', phone: '•••• 5678', city: 'Hangzhou', country: 'CN', status: 'active' },
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
      subjects: [{ customerId: 1 }],
      requestingOfficer: null,
      holdRequested: false,
    })
    expect(snakeCase(sent!)).toEqual([])
    expect(Object.keys(sent!)).not.toContain('status')
  })

  it("adds a subpoena's subject by the email it names: exactly that customer, matched by email, and says what was logged", async () => {
    const lookups: unknown[] = []
    let created: Record<string, unknown> | undefined
    server.use(
      http.post('/api/disclosures/subject-lookup', async ({ request }) => {
        const body = (await request.json()) as { identifier: string }
        lookups.push(body)
        if (!body.identifier.includes('@')) {
          return HttpResponse.json(
            { error: { code: 'validation_failed', message: 'Add a subject by the identifier', reason: 'subject_identifier' } },
            { status: 400 },
          )
        }
        return HttpResponse.json({
          kind: 'email',
          masked: 'w***@163.com',
          total: 1,
          matches: [
            {
              id: 9,
              name: 'J***',
              country: 'CN',
              status: 'active',
              matchKind: 'email',
              matchMasked: 'w***@163.com',
              others: 0,
              match: 'signed-9',
            },
          ],
        })
      }),
      http.post('/api/disclosures', async ({ request }) => {
        created = (await request.json()) as Record<string, unknown>
        return HttpResponse.json({ ...record, id: 12, subjectIds: [9], subjects: [] }, { status: 201 })
      }),
      http.get('/api/disclosures/12', () => HttpResponse.json({ ...record, id: 12 })),
      ...api(),
    )
    window.location.hash = '#/disclosures/create'
    render(<App />)
    const identifier = await screen.findByLabelText(/Identifier named in the legal process/, {}, { timeout: 5000 })
    // a name is not an identifier: the server's reason, in the console's words
    await userEvent.type(identifier, 'ryan{Enter}')
    expect(await screen.findByText(/Names are not accepted/)).toBeTruthy()
    await userEvent.clear(identifier)
    await userEvent.click(identifier)
    await userEvent.paste('wang.wei@163.com')
    await userEvent.keyboard('{Enter}')
    const found = await screen.findByRole('region', { name: 'Customers this identifier matches' })
    expect(within(found).getByText('#9 J*** · matched by email (w***@163.com)')).toBeTruthy()
    expect(within(found).getByText('No other customer matches it')).toBeTruthy()
    expect(within(found).getAllByRole('listitem')).toHaveLength(1)
    await userEvent.click(within(found).getByRole('button', { name: 'Add #9' }))
    expect(within(found).getByRole('button', { name: 'Added' })).toHaveProperty('disabled', true)
    expect(screen.getByRole('button', { name: 'Remove #9' })).toBeTruthy()

    // pasted rather than typed key by key: the form's own inputs are not under test here
    const fill = async (label: RegExp, text: string) => {
      await userEvent.click(screen.getByLabelText(label))
      await userEvent.paste(text)
    }
    await fill(/Issuing authority/, 'Hangzhou Public Security Bureau')
    await fill(/^Jurisdiction/, 'cn')
    await fill(/Legal basis/, 'Criminal Procedure Law art. 54')
    await fill(/Case or docket number/, 'HZ-2026-88')
    await userEvent.type(screen.getByLabelText(/^Received/), '2026-11-20')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    expect(await screen.findByText('Disclosure #12 logged', {}, { timeout: 5000 })).toBeTruthy()
    expect(created).toMatchObject({ jurisdiction: 'CN', subjects: [{ customerId: 9, match: 'signed-9' }] })
    expect(created).not.toHaveProperty('subjectIds')
    expect(lookups).toEqual([{ identifier: 'ryan' }, { identifier: 'wang.wei@163.com' }])
  })

  it('lists each subject with how the legal process named them', async () => {
    server.use(...api())
    window.location.hash = '#/disclosures/5/show'
    render(<App />)
    expect(await screen.findByText('#1 Z*** · matched by email (w***@163.com)', {}, { timeout: 5000 })).toBeTruthy()
  })

  it('offers on a closed record only what the server would take: no Edit, no Close, no later review for whoever logged it', async () => {
    const closed: DisclosureRecord = {
      ...record,
      type: 'emergency',
      status: 'disclosed',
      open: false,
      outcome: 'non_content',
      emergencyJustification: 'Threat to life',
      actions: ['amend'],
    }
    server.use(
      http.get('/api/disclosures/5', () => HttpResponse.json(closed)),
      ...api(),
    )
    window.location.hash = '#/disclosures/5/show'
    render(<App />)
    expect(await screen.findByRole('button', { name: 'Add amendment' }, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText(/needs its later review by another officer/)).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Edit' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Close with outcome' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Record review' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Start review' })).toBeNull()
  })

  it('a closed record reached by its edit address offers no form', async () => {
    server.use(
      http.get('/api/disclosures/5', () => HttpResponse.json({ ...record, open: false, status: 'rejected', actions: ['amend'] })),
      ...api(),
    )
    window.location.hash = '#/disclosures/5'
    render(<App />)
    expect(await screen.findByText(/This record is closed and can no longer be edited/, {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.queryByRole('button', { name: /save/i })).toBeNull()
  })

  it('asks once before releasing a hold, naming what follows', async () => {
    const sent: { path: string; body: unknown }[] = []
    const held: DisclosureRecord = {
      ...record,
      holds: [{ id: 1, customerId: 1, placedAt: '2026-11-20T09:00:00.000Z', releasedAt: null, releaseReason: null }],
      actions: ['edit', 'close', 'withdraw', 'amend', 'attach', 'release_hold'],
    }
    server.use(
      http.get('/api/disclosures/5', () => HttpResponse.json(held)),
      ...api(),
      http.post('/api/disclosures/5/:step', async ({ request, params }) => {
        sent.push({ path: String(params.step), body: await request.json() })
        return HttpResponse.json({ ...held, holds: [], actions: ['amend'] })
      }),
    )
    window.location.hash = '#/disclosures/5/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Release legal hold' }, { timeout: 5000 }))
    const release = screen.getByRole('dialog', { name: 'Release legal hold' })
    expect(within(release).getByText(/can be erased again after this/)).toBeTruthy()
    expect(sent).toEqual([])
    // keyboard first: the reason field has the focus
    expect(document.activeElement).toBe(within(release).getByLabelText('Why the hold ends'))
    await userEvent.paste('The court closed the case')
    await userEvent.click(within(release).getByRole('button', { name: 'Release the hold' }))
    await waitFor(() => expect(sent).toEqual([{ path: 'release-hold', body: { note: 'The court closed the case' } }]))
  })

  it('closing names its consequence, labels "partial", and offers no data release to whoever may not give it', async () => {
    server.use(
      http.get('/api/disclosures/5', () => HttpResponse.json({ ...record, actions: ['edit', 'close', 'withdraw', 'amend'] })),
      ...api(),
    )
    window.location.hash = '#/disclosures/5/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Close with outcome' }, { timeout: 5000 }))
    const dialog = screen.getByRole('dialog', { name: 'Close with outcome' })
    expect(within(dialog).getByText(/A closed record can no longer be edited; the outcome goes into the transparency report/)).toBeTruthy()
    expect(within(dialog).getByText(/another compliance officer is active/)).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('combobox'))
    const options = screen.getAllByRole('option').map((o) => o.textContent)
    expect(options).toEqual(['Rejected', 'No data'])
  })

  it('labels the partial checkbox with what it means', async () => {
    server.use(...api())
    window.location.hash = '#/disclosures/5/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Close with outcome' }, { timeout: 5000 }))
    const partial = within(screen.getByRole('dialog')).getByRole('checkbox', { name: 'Only part of the request was produced' })
    expect(partial.getAttribute('aria-describedby')).toBeTruthy()
    expect(document.getElementById(partial.getAttribute('aria-describedby')!)!.textContent).toMatch(/Partially disclosed/)
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
