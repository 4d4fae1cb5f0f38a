import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { apiError, server, signedInAs } from '../test/server'
import type { RequestRecord, RequestRow } from './types'

const DAY = 86_400_000
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString()
/** A minute from now, or the day's last moment when the test runs in its last minute (a minute on would be tomorrow). */
const laterToday = () => {
  const endOfDay = new Date().setHours(23, 59, 59, 999)
  return new Date(Math.min(Date.now() + 60_000, endOfDay)).toISOString()
}

const row = (over: Partial<RequestRow>): RequestRow => ({
  id: 12,
  customer_id: 42,
  customer_name: 'Z***',
  customer_status: 'active',
  type: 'erasure',
  status: 'pending',
  caller: 'customer',
  channel: 'phone',
  filed_by: 3,
  filed_by_name: 'Li Na',
  decided_by: null,
  decided_by_name: null,
  decided_at: null,
  created_at: inDays(-27),
  due_at: inDays(3.5),
  extended_at: null,
  completed_at: null,
  days_left: 4,
  overdue: false,
  ...over,
})

const erasure: RequestRecord = {
  ...row({}),
  attachments: [],
  verification_id: 31,
  changes: null,
  caller_name: null,
  decision_note: null,
  extension_reason: null,
  result: null,
  timeline: [{ id: 900, at: inDays(-27), action: 'request.file', staff_name: 'Li Na' }],
  actions: ['approve', 'reject', 'cancel', 'extend'],
}

const edit: RequestRecord = {
  ...erasure,
  id: 13,
  type: 'edit',
  changes: { last_name: 'Zhao', marketing_opt_in: false, addresses: [{ id: 11, line1: '88 Wensan Road', postal_code: null }] },
}

const list = (rows: RequestRow[]) =>
  HttpResponse.json(rows, { headers: { 'Content-Range': `requests 0-${rows.length - 1}/${rows.length}` } })

describe('the request list', () => {
  it('shows open requests soonest due first, with days left in words and the masked customer linking to the record', async () => {
    let query: URLSearchParams | undefined
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests', ({ request }) => {
        query = new URL(request.url).searchParams
        return list([
          row({ id: 10, due_at: inDays(-2.5), days_left: -2, overdue: true }),
          row({ id: 11, type: 'access', due_at: laterToday(), days_left: 1 }),
          row({ id: 12, type: 'edit' }),
        ])
      }),
    )
    window.location.hash = '#/requests'
    render(<App />)
    expect(await screen.findByText('Overdue by 2 days', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText('Due today')).toBeTruthy()
    expect(screen.getByText('4 days left')).toBeTruthy()
    expect(JSON.parse(query!.get('filter')!)).toEqual({ status: 'pending' })
    expect(JSON.parse(query!.get('sort')!)).toEqual(['due_at', 'ASC'])
    const customer = screen.getAllByRole('link', { name: '#42 Z***' })[0]!
    expect(customer.getAttribute('href')).toBe('#/customers/42/show')
  })

  it('filters by the due filter the dashboard links to', async () => {
    let filter: unknown
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests', ({ request }) => {
        filter = JSON.parse(new URL(request.url).searchParams.get('filter')!)
        return list([row({ id: 10, overdue: true, days_left: -1 })])
      }),
    )
    window.location.hash = `#/requests?${new URLSearchParams({ filter: JSON.stringify({ due: 'overdue' }) })}`
    render(<App />)
    expect(await screen.findByText('Overdue by 1 day', {}, { timeout: 5000 })).toBeTruthy()
    expect(filter).toEqual({ due: 'overdue' })
  })
})

describe('a request page', () => {
  it('offers only the steps the API lists: an agent who filed it may only withdraw it', async () => {
    server.use(
      ...signedInAs('agent'),
      http.get('/api/requests/12', () => HttpResponse.json({ ...erasure, actions: ['cancel'] })),
    )
    window.location.hash = '#/requests/12/show'
    render(<App />)
    expect(await screen.findByRole('heading', { level: 1, name: 'Deletion request #12' }, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Withdraw' })).toBeTruthy()
    for (const name of ['Approve', 'Reject', 'Extend deadline']) expect(screen.queryByRole('button', { name })).toBeNull()
    expect(screen.getByText(/other than whoever filed this request/)).toBeTruthy()
    expect(screen.getByRole('cell', { name: 'Filed' })).toBeTruthy()
  })

  it('shows no step at all once the request is settled', async () => {
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests/12', () => HttpResponse.json({ ...erasure, status: 'rejected', days_left: null, actions: [] })),
    )
    window.location.hash = '#/requests/12/show'
    render(<App />)
    expect(await screen.findByText('Rejected', {}, { timeout: 5000 })).toBeTruthy()
    for (const name of ['Approve', 'Reject', 'Extend deadline', 'Withdraw']) expect(screen.queryByRole('button', { name })).toBeNull()
  })

  it('approving an erasure first says what will be removed and that it cannot be undone, then shows the certificate', async () => {
    let approved = 0
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests/12', () => HttpResponse.json(erasure)),
      http.post('/api/requests/12/approve', () => {
        approved++
        return HttpResponse.json({
          ...erasure,
          status: 'completed',
          customer_status: 'erased',
          days_left: null,
          actions: [],
          result: {
            certificate: {
              deleted: { addresses: 2, payment_methods: 1, access_logs: 14 },
              anonymised: { orders: 5, customers: 1 },
              kept: ['orders'],
            },
            recipients: [
              { id: 5, authority: 'Hangzhou Intermediate People’s Court', caseNumber: '(2026) Zhe 01', disclosedAt: inDays(-40) },
            ],
          },
        })
      }),
    )
    window.location.hash = '#/requests/12/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText('Approve and delete this account?')).toBeTruthy()
    expect(within(dialog).getByText(/deletes customer #42’s address book, saved payment methods/)).toBeTruthy()
    expect(within(dialog).getByText('This cannot be undone.')).toBeTruthy()
    // cancelling does nothing
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(approved).toBe(0)

    await userEvent.click(screen.getByRole('button', { name: 'Approve' }))
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve and delete' }))
    expect(await screen.findByText('Erasure certificate: what was removed, in counts. No removed value is kept.')).toBeTruthy()
    expect(approved).toBe(1)
    const addresses = screen.getByText('Address book').closest('tr')!
    expect(within(addresses).getByText('2 rows')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Hangzhou Intermediate People’s Court' }).getAttribute('href')).toBe('#/disclosures/5/show')
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull()
  })

  it('a refused approval (legal hold) is shown in the dialog, and nothing changes on the page', async () => {
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests/12', () => HttpResponse.json(erasure)),
      http.post('/api/requests/12/approve', () =>
        apiError(409, 'conflict', 'This customer is under a legal hold: nothing may be erased until compliance releases it.'),
      ),
    )
    window.location.hash = '#/requests/12/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }, { timeout: 5000 }))
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve and delete' }))
    expect(await within(screen.getByRole('dialog')).findByText(/nothing may be erased until compliance releases it/)).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Approve and delete' })).toBeTruthy()
  })

  it('approving an edit lists the changes it applies', async () => {
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests/13', () => HttpResponse.json(edit)),
    )
    window.location.hash = '#/requests/13/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText('Approve and apply this correction?')).toBeTruthy()
    const rows = within(dialog)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent)
    expect(rows).toEqual([
      'Family nameZhao',
      'Marketing emailsNo marketing emails',
      'Address #11 · Street address88 Wensan Road',
      'Address #11 · Postal code(cleared)',
    ])
  })

  it('rejecting asks for the reason and sends it', async () => {
    let sent: unknown
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/requests/12', () => HttpResponse.json(erasure)),
      http.post('/api/requests/12/reject', async ({ request }) => {
        sent = await request.json()
        return HttpResponse.json({ ...erasure, status: 'rejected', decision_note: 'Open orders still in delivery', actions: [] })
      }),
    )
    window.location.hash = '#/requests/12/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Reject' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText('The customer is sent this reason.')).toBeTruthy()
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Open orders still in delivery')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }))
    expect(await screen.findByText('Open orders still in delivery')).toBeTruthy()
    expect(sent).toEqual({ reason: 'Open orders still in delivery' })
  })
})

const customer = {
  id: 42,
  name: 'Wei Zhang',
  first_name: 'Wei',
  last_name: 'Zhang',
  email: 'wei.zhang@163.com',
  phone: '+86 138 1234 5678',
  city: 'Hangzhou',
  country: 'CN',
  status: 'active',
  masked: false,
  legal_hold: false,
  access: { basis: 'verification', until: inDays(0.01) },
  addresses: [
    {
      id: 11,
      label: 'Home',
      recipient_name: 'Wei Zhang',
      line1: '1 Wensan Road',
      line2: null,
      city: 'Hangzhou',
      region: 'Zhejiang',
      postal_code: '310012',
      country: 'CN',
      phone: null,
      is_default: true,
    },
  ],
  payment_methods: [],
  orders: [],
  access_logs: [],
  verifications: [],
  open_requests: [{ id: 9, type: 'access', status: 'pending', created_at: inDays(-1), due_at: inDays(29.5) }],
  break_glass: [],
  flags: [],
}

/** The agent's record of a caller they verified, and their passed verification #31 (asked date of birth and postal code). */
function verifiedCaller(record: object = customer) {
  return [
    ...signedInAs('agent'),
    http.get('/api/customers/42', () => HttpResponse.json(record)),
    http.get('/api/verifications', ({ request }) => {
      const filter = JSON.parse(new URL(request.url).searchParams.get('filter')!)
      const found = filter.customer_id === 42 && filter.status === 'verified' && filter.staff_id === 7
      return HttpResponse.json(found ? [{ id: 31, unmasked_until: inDays(0.01) }] : [], {
        headers: { 'Content-Range': `verifications 0-0/${found ? 1 : 0}` },
      })
    }),
    http.get('/api/verifications/31', () =>
      HttpResponse.json({ id: 31, questions: [{ field: 'birth_date' }, { field: 'postal_code' }, { field: 'order_number' }] }),
    ),
  ]
}

describe('filing from the verified caller’s record', () => {
  it('a deletion is filed after one confirmation, naming the agent’s passed verification', async () => {
    let sent: unknown
    server.use(
      ...verifiedCaller(),
      http.post('/api/requests', async ({ request }) => {
        sent = await request.json()
        return HttpResponse.json({ ...erasure, id: 14 }, { status: 201 })
      }),
    )
    window.location.hash = '#/customers/42/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Request…' }, { timeout: 5000 }))
    // a type already open shows that request instead
    const copy = await screen.findByRole('menuitem', { name: /Copy of data/ })
    expect(copy.getAttribute('aria-disabled')).toBe('true')
    expect(within(copy).getByText('Already open as #9')).toBeTruthy()
    await userEvent.click(screen.getByRole('menuitem', { name: 'Delete account' }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText(/Nothing is deleted yet/)).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'File request' }))
    expect(await screen.findByText('Request #14 filed. The customer is sent a receipt.')).toBeTruthy()
    expect(sent).toEqual({ customerId: 42, type: 'erasure', verificationId: 31 })
    // the open request on the record links to its page
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(screen.getByRole('link', { name: 'Request for a copy of data #9' }).getAttribute('href')).toBe('#/requests/9/show')
  })

  it('a correction sends only the changed fields, and what the caller was verified with cannot be changed', async () => {
    let sent: { changes?: unknown } | undefined
    server.use(
      ...verifiedCaller(),
      http.post('/api/requests', async ({ request }) => {
        sent = (await request.json()) as typeof sent
        return HttpResponse.json({ ...edit, id: 15 }, { status: 201 })
      }),
    )
    window.location.hash = '#/customers/42/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Request…' }, { timeout: 5000 }))
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Correct details' }))
    const dialog = await screen.findByRole('dialog')
    const submit = within(dialog).getByRole('button', { name: 'File correction' })
    expect(submit.hasAttribute('disabled')).toBe(true)
    expect((within(dialog).getByLabelText('Family name') as HTMLInputElement).value).toBe('Zhang')
    // verified with the postal code: that field is locked for this verification
    await waitFor(() => expect(within(dialog).getByLabelText('Postal code').hasAttribute('disabled')).toBe(true))
    const last = within(dialog).getByLabelText('Family name')
    await userEvent.clear(last)
    await userEvent.type(last, 'Zhao')
    const street = within(dialog).getByLabelText('Street address')
    await userEvent.clear(street)
    await userEvent.type(street, '88 Wensan Road')
    await userEvent.type(within(dialog).getByLabelText('Region or province'), ' ')
    await userEvent.click(submit)
    expect(await screen.findByText('Request #15 filed. The customer is sent a receipt.')).toBeTruthy()
    expect(sent).toEqual({
      customerId: 42,
      type: 'edit',
      verificationId: 31,
      changes: { last_name: 'Zhao', addresses: [{ id: 11, line1: '88 Wensan Road' }] },
    })
  })

  it('shows the server’s error beside the field it names', async () => {
    server.use(
      ...verifiedCaller(),
      http.post('/api/requests', () =>
        apiError(409, 'conflict', 'Another account uses this email.', { 'changes.email': 'Used by another account' }),
      ),
    )
    window.location.hash = '#/customers/42/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Request…' }, { timeout: 5000 }))
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Correct details' }))
    const dialog = await screen.findByRole('dialog')
    const email = within(dialog).getByLabelText('Email')
    await userEvent.clear(email)
    await userEvent.type(email, 'taken@example.com')
    await userEvent.click(within(dialog).getByRole('button', { name: 'File correction' }))
    expect(await within(dialog).findByText('Used by another account')).toBeTruthy()
    expect(within(dialog).getByText('Another account uses this email.')).toBeTruthy()
  })

  it('is not offered on a masked record', async () => {
    server.use(
      ...verifiedCaller({
        ...customer,
        name: 'Z***',
        first_name: undefined,
        masked: true,
        access: { basis: null, until: null },
      }),
    )
    window.location.hash = '#/customers/42/show'
    render(<App />)
    expect(await screen.findByText('Masked: verify the caller to see details', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Request…' })).toBeNull()
  })

  it('labels the name fields family and given name, family name first in Chinese', async () => {
    server.use(...verifiedCaller())
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    window.location.hash = '#/customers/42/show'
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: '提交请求…' }, { timeout: 5000 }))
    await userEvent.click(await screen.findByRole('menuitem', { name: '更正资料' }))
    const dialog = await screen.findByRole('dialog')
    const labels = within(dialog)
      .getAllByRole('textbox')
      .map((input) => input.closest('.MuiFormControl-root')?.querySelector('label')?.textContent)
    expect(labels.slice(0, 2)).toEqual(['姓', '名'])
    expect((within(dialog).getByLabelText('姓') as HTMLInputElement).value).toBe('Zhang')
  })
})
