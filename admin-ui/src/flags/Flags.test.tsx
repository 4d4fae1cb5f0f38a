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
  details: {},
  created_at: new Date().toISOString(),
  resolved_at: null,
  resolved_by: null,
  resolution: null,
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
          flag({ id: 3, kind: 'minor_without_consent', customer_id: 44, details: { under_age: 18 } }),
          flag({ id: 2, kind: 'underage_account', customer_id: 43, details: { under_age: 13 } }),
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
