import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

const masked = {
  id: 42,
  name: 'Z***',
  email: 'w***@163.com',
  phone: '+•• ••• •••• ••••',
  city: 'Hangzhou',
  country: 'CN',
  status: 'active',
  masked: true,
}
const questions = [
  { id: 1, field: 'order_number', label: 'Number of a recent order' },
  { id: 2, field: 'birth_date', label: 'Date of birth' },
]
const record = {
  ...masked,
  name: 'Wei Zhang',
  email: 'wei.zhang@163.com',
  masked: false,
  legal_hold: false,
  access: { basis: 'verification', until: new Date(Date.now() + 15 * 60_000).toISOString() },
  addresses: [],
  payment_methods: [],
  orders: [],
  access_logs: [],
  verifications: [],
  open_requests: [],
  break_glass: [],
  flags: [],
}

describe('the verify page', () => {
  it('finds the caller, asks each question, shows match or no match, and opens the record when all match', async () => {
    const sent: unknown[] = []
    server.use(
      ...signedInAs('agent'),
      http.get('/api/customers', ({ request }) => {
        const filter = JSON.parse(new URL(request.url).searchParams.get('filter') ?? '{}')
        return HttpResponse.json(filter.q === 'wei.zhang@163.com' ? [masked] : [], { headers: { 'Content-Range': 'customers 0-0/1' } })
      }),
      http.post('/api/verifications', () => HttpResponse.json({ id: 9, status: 'pending', questions }, { status: 201 })),
      http.post('/api/verifications/9/answers', async ({ request }) => {
        const body = (await request.json()) as { answers: { questionId: number }[] }
        sent.push(body)
        const q = body.answers[0]!.questionId
        return HttpResponse.json({
          id: 9,
          status: q === 2 ? 'verified' : 'pending',
          results: [{ questionId: q, match: true }],
          unmaskedUntil: null,
        })
      }),
      http.get('/api/customers/42', () => HttpResponse.json(record)),
    )
    window.location.hash = '#/verify'
    render(<App />)
    const search = await screen.findByRole('textbox', { name: 'Find the caller' }, { timeout: 5000 })
    await userEvent.type(search, 'wei.zhang@163.com{Enter}')
    expect(await screen.findByText('Z***')).toBeTruthy()
    await userEvent.keyboard('{Enter}')
    await userEvent.click(await screen.findByRole('button', { name: 'Start verification' }))
    await userEvent.type(await screen.findByLabelText(/The caller says: Number of a recent order/), 'TM20240101000000123{Enter}')
    expect(await screen.findByText('Match')).toBeTruthy()
    await userEvent.type(await screen.findByLabelText(/The caller says: Date of birth/), '1990年1月2日{Enter}')
    expect(sent).toEqual([
      { answers: [{ questionId: 1, value: 'TM20240101000000123' }] },
      { answers: [{ questionId: 2, value: '1990年1月2日' }] },
    ])
    expect(await screen.findByText('Caller verified. Opening the record…')).toBeTruthy()
    const email = await screen.findByText('wei.zhang@163.com', {}, { timeout: 4000 })
    expect(within(email.parentElement!).getByText('Email')).toBeTruthy()
  })

  it('says what to do when a verification fails', async () => {
    server.use(
      ...signedInAs('agent'),
      http.get('/api/customers', () => HttpResponse.json([masked], { headers: { 'Content-Range': 'customers 0-0/1' } })),
      http.post('/api/verifications', () => HttpResponse.json({ id: 9, status: 'pending', questions }, { status: 201 })),
      http.post('/api/verifications/9/answers', () =>
        HttpResponse.json({ id: 9, status: 'failed', results: [{ questionId: 1, match: false }], unmaskedUntil: null }),
      ),
    )
    window.location.hash = '#/verify'
    render(<App />)
    await userEvent.type(await screen.findByRole('textbox', { name: 'Find the caller' }, { timeout: 5000 }), '42{Enter}')
    await screen.findByText('Z***')
    await userEvent.keyboard('{Enter}')
    await userEvent.click(await screen.findByRole('button', { name: 'Start verification' }))
    await userEvent.type(await screen.findByLabelText(/The caller says:/), 'wrong{Enter}')
    expect(await screen.findByText('No match')).toBeTruthy()
    expect(await screen.findByText(/Verification failed\. Do not share or change anything/)).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Start over' })).toBeTruthy()
  })

  it('when the server ends the verification, says why in the console’s language and offers only to start over', async () => {
    server.use(
      ...signedInAs('agent'),
      http.get('/api/customers', () => HttpResponse.json([masked], { headers: { 'Content-Range': 'customers 0-0/1' } })),
      http.post('/api/verifications', () => HttpResponse.json({ id: 9, status: 'pending', questions }, { status: 201 })),
      http.post('/api/verifications/9/answers', () =>
        HttpResponse.json(
          {
            error: {
              code: 'conflict',
              message: 'A newer verification for this customer was opened.',
              reason: 'verification_superseded',
              values: {},
            },
          },
          { status: 409 },
        ),
      ),
    )
    window.location.hash = '#/verify'
    render(<App />)
    await userEvent.type(await screen.findByRole('textbox', { name: 'Find the caller' }, { timeout: 5000 }), '42{Enter}')
    await screen.findByText('Z***')
    await userEvent.keyboard('{Enter}')
    await userEvent.click(await screen.findByRole('button', { name: 'Start verification' }))
    await userEvent.type(await screen.findByLabelText(/The caller says:/), 'TM1{Enter}')
    expect(await screen.findByText('A newer verification for this customer was opened, which ended this one. Start over.')).toBeTruthy()
    expect(screen.queryByLabelText(/The caller says:/)).toBeNull()
    expect(screen.getByRole('button', { name: 'Start over' })).toBeTruthy()
  })

  describe('opened again, shows the customer as they are now, never an earlier attempt’s result', () => {
    const failing = () => [
      ...signedInAs('agent'),
      http.get('/api/customers', () => HttpResponse.json([masked], { headers: { 'Content-Range': 'customers 0-0/1' } })),
      http.get('/api/customers/42', () => HttpResponse.json({ ...record, ...masked, masked: true, access: { basis: null, until: null } })),
      http.post('/api/verifications', () => HttpResponse.json({ id: 9, status: 'pending', questions }, { status: 201 })),
      http.post('/api/verifications/9/answers', () =>
        HttpResponse.json({ id: 9, status: 'failed', results: [{ questionId: 1, match: false }], unmaskedUntil: null }),
      ),
    ]
    const go = async (hash: string) => {
      await act(async () => {
        window.location.hash = hash
        await new Promise((r) => setTimeout(r, 50))
      })
    }
    const fail = async () => {
      await userEvent.click(await screen.findByRole('button', { name: 'Start verification' }, { timeout: 5000 }))
      await userEvent.type(await screen.findByLabelText(/The caller says:/), 'wrong{Enter}')
      expect(await screen.findByText(/Verification failed\./)).toBeTruthy()
    }
    const fresh = async () => {
      expect(await screen.findByRole('button', { name: 'Start verification' }, { timeout: 5000 })).toBeTruthy()
      expect(screen.queryByText(/Verification failed\./)).toBeNull()
      expect(screen.queryByText('No match')).toBeNull()
    }

    it('after going to the record and back', async () => {
      server.use(...failing())
      window.location.hash = '#/verify/42'
      render(<App />)
      await fail()
      await go('#/customers/42/show')
      await screen.findByText('Masked: verify the caller to see details', {}, { timeout: 5000 })
      await go('#/verify/42')
      await fresh()
    })

    it('after going to the search and back', async () => {
      server.use(...failing())
      window.location.hash = '#/verify/42'
      render(<App />)
      await fail()
      await go('#/verify')
      await screen.findByRole('textbox', { name: 'Find the caller' })
      await go('#/verify/42')
      await fresh()
    })

    it('when the caller was picked in the search (which opens their address) and the page is opened again', async () => {
      server.use(...failing())
      window.location.hash = '#/verify'
      render(<App />)
      await userEvent.type(await screen.findByRole('textbox', { name: 'Find the caller' }, { timeout: 5000 }), '42{Enter}')
      await screen.findByText('Z***')
      await userEvent.keyboard('{Enter}')
      await fail()
      expect(window.location.hash).toBe('#/verify/42')
      await go('#/verify')
      await go('#/verify/42')
      await fresh()
    })

    it('when the menu opens the verify page while a failed attempt is showing', async () => {
      server.use(...failing())
      window.location.hash = '#/verify/42'
      render(<App />)
      await fail()
      await userEvent.click(screen.getAllByRole('menuitem', { name: 'Verify caller' })[0]!)
      expect(await screen.findByRole('textbox', { name: 'Find the caller' })).toBeTruthy()
      expect(screen.queryByText(/Verification failed\./)).toBeNull()
    })

    it('after the browser goes back to it', async () => {
      server.use(...failing())
      window.location.hash = '#/verify/42'
      render(<App />)
      await fail()
      await go('#/customers/42/show')
      await screen.findByText('Masked: verify the caller to see details', {}, { timeout: 5000 })
      await act(async () => {
        window.history.back()
        await waitFor(() => expect(window.location.hash).toBe('#/verify/42'))
      })
      await fresh()
    })
  })
})
