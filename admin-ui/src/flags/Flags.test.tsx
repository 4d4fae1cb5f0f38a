import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

const flag = (over: Record<string, unknown>) => ({
  id: 1,
  kind: 'verification_locked',
  customer_id: 42,
  staff_id: null,
  staff_name: null,
  customer_name: null,
  details: {},
  created_at: new Date().toISOString(),
  resolved_at: null,
  resolved_by: null,
  resolved_by_name: null,
  resolution: null,
  resolve_effect: null,
  actions: ['resolve'],
  ...over,
})

const list = (rows: unknown[]) => HttpResponse.json(rows, { headers: { 'Content-Range': `flags 0-${rows.length - 1}/${rows.length}` } })

describe('age flags', () => {
  it('name the two kinds and offer lock and consent only where they apply', async () => {
    const posts: { path: string; body: unknown }[] = []
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/flags', () =>
        list([
          flag({
            id: 3,
            kind: 'minor_without_consent',
            customer_id: 44,
            details: { under_age: 18 },
            actions: ['resolve', 'lock_account', 'record_consent', 'file_erasure'],
          }),
          flag({
            id: 2,
            kind: 'underage_account',
            customer_id: 43,
            details: { under_age: 13 },
            actions: ['resolve', 'lock_account', 'file_erasure'],
          }),
          flag({ id: 1, kind: 'verification_locked', customer_id: 42, details: { failures: 3 } }),
        ]),
      ),
      http.post('/api/flags/:id/:action', async ({ request, params }) => {
        posts.push({ path: `${params.id}/${params.action}`, body: await request.json().catch(() => null) })
        return HttpResponse.json(flag({ id: Number(params.id), resolved_at: new Date().toISOString() }))
      }),
    )
    window.location.hash = '#/flags'
    render(<App />)
    expect(await screen.findByText('Account of a child under 13', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getAllByText('Minor (13–17) without a guardian’s consent').length).toBeGreaterThan(0)
    expect(screen.getAllByRole('button', { name: 'Lock account' })).toHaveLength(2)
    expect(screen.getAllByRole('button', { name: 'Record consent' })).toHaveLength(1)
    expect(screen.getAllByRole('button', { name: 'File erasure request' })).toHaveLength(2)

    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Record consent' }))
    const dialog = await screen.findByRole('dialog')
    await user.type(within(dialog).getByLabelText('Guardian’s full name'), 'Mei Chen')
    await user.type(within(dialog).getByLabelText('Date of consent'), '2026-11-20')
    await user.click(within(dialog).getByRole('button', { name: 'Save' }))
    await waitFor(() =>
      expect(posts).toEqual([{ path: '3/record-consent', body: { guardianName: 'Mei Chen', consentedAt: '2026-11-20' } }]),
    )

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    await user.click((await screen.findAllByRole('button', { name: 'Lock account' }))[1]!)
    expect(await screen.findByText(/can no longer sign in/)).toBeTruthy()
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Lock account' }))
    await waitFor(() => expect(posts.map((p) => p.path)).toContain('2/lock-account'))
  })
})

describe('the flags desk', () => {
  const desk = () => {
    const posts: { path: string; body: unknown }[] = []
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/flags', () =>
        list([
          flag({
            id: 6,
            kind: 'verification_locked',
            customer_id: 42,
            customer_name: 'Z***',
            staff_id: 3,
            staff_name: 'Li Na',
            details: { failures: 3 },
            resolve_effect: 'unlock_customer',
          }),
          flag({
            id: 5,
            kind: 'agent_failing',
            customer_id: null,
            staff_id: 3,
            staff_name: 'Li Na',
            details: { customers_in_hour: 5 },
            resolve_effect: 'resume_agent',
          }),
          // about the officer viewing: the server offers them nothing
          flag({
            id: 4,
            kind: 'search_rate',
            customer_id: null,
            staff_id: 7,
            staff_name: 'Wang Fang',
            details: { lookups_in_minute: 40, limit: 30 },
            actions: [],
          }),
        ]),
      ),
      http.post('/api/flags/:id/resolve', async ({ request, params }) => {
        posts.push({ path: `${params.id}/resolve`, body: await request.json() })
        return HttpResponse.json(flag({ id: Number(params.id), resolved_at: new Date().toISOString(), actions: [] }))
      }),
    )
    return posts
  }

  it('reads each flag as a sentence naming the staff member and the customer, and offers only what the server allows', async () => {
    desk()
    window.location.hash = '#/flags'
    render(<App />)
    expect(
      await screen.findByText(
        'Verification of customer Z*** (#42) locked after 3 failures (last agent: Li Na)',
        {},
        { timeout: 5000 },
      ),
    ).toBeTruthy()
    expect(screen.getByText('Li Na failed verifications for 5 customers in an hour; their verifications are paused')).toBeTruthy()
    expect(screen.getByText('Wang Fang looked up 40 customers in a minute (limit 30)')).toBeTruthy()
    expect(screen.getAllByRole('button', { name: /^Resolve #\d+$/ })).toHaveLength(2)
    expect(document.body.textContent).not.toMatch(/Staff id|failures:|customers_in_hour|%\{/)
  })

  it('asks once, in a dialog that names the consequence, before resolving a flag that unlocks a customer', async () => {
    const posts = desk()
    window.location.hash = '#/flags'
    render(<App />)
    await screen.findByText(/locked after 3 failures/, {}, { timeout: 5000 })
    const user = userEvent.setup()
    await user.click(screen.getAllByRole('button', { name: /^Resolve #\d+$/ })[0]!)
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText('Resolving unlocks the customer: agents can verify callers for this account again.')).toBeTruthy()
    const note = within(dialog).getByLabelText('What was found or done')
    expect(document.activeElement).toBe(note)
    expect(within(dialog).getByRole('button', { name: 'Resolve and unlock' })).toBeTruthy()
    await user.keyboard('Caller was the customer, confirmed by a call back.{Enter}')
    await waitFor(() =>
      expect(posts).toEqual([{ path: '6/resolve', body: { resolution: 'Caller was the customer, confirmed by a call back.' } }]),
    )
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
  })

  it('speaks Chinese when the console is in Chinese', async () => {
    desk()
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    window.location.hash = '#/flags'
    render(<App />)
    expect(await screen.findByText('Li Na 一小时内对 5 位客户核验失败，其核验已暂停', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText('客户 Z*** (#42) 的核验失败 3 次后已锁定（最后一位客服：Li Na）')).toBeTruthy()
  })
})
