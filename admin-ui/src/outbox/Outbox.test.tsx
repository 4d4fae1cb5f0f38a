import { render, screen } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { onAPhone } from '../test/phone'
import { server, signedInAs } from '../test/server'

const ROWS = [
  {
    id: 2,
    customer_id: 11,
    channel: 'email',
    template: 'request_notice',
    recipient: '[erased]',
    status: 'failed',
    last_error: '550 5.1.1 <[erased]>: Recipient address rejected',
    created_at: '2026-11-27T09:30:00.000Z',
  },
  {
    id: 1,
    customer_id: 12,
    channel: 'sms',
    template: 'verification_code',
    recipient: '+•• ••• •••• 5678',
    status: 'sent',
    last_error: null,
    created_at: '2026-11-27T09:00:00.000Z',
  },
]

function outboxApi() {
  server.use(
    ...signedInAs('compliance'),
    http.get('/api/outbox', () => HttpResponse.json(ROWS, { headers: { 'Content-Range': 'outbox 0-1/2' } })),
  )
  window.location.hash = '#/outbox'
  render(<App />)
}
afterEach(() => vi.unstubAllGlobals())

describe('the outbox', () => {
  it('is a table on a desktop', async () => {
    outboxApi()
    expect(await screen.findByText('550 5.1.1 <[erased]>: Recipient address rejected', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByRole('table')).toBeTruthy()
  })

  it('on a phone is a list of lines, nothing to scroll sideways: what, to whom, whether it went and why not', async () => {
    onAPhone()
    outboxApi()
    expect(
      await screen.findByText(
        /^Email · \[erased\] · Failed · 550 5\.1\.1 <\[erased\]>: Recipient address rejected$/,
        {},
        { timeout: 5000 },
      ),
    ).toBeTruthy()
    expect(screen.queryByRole('table')).toBeNull()
  })
})
