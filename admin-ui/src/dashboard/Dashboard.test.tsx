import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'

const hrefOf = (link: HTMLElement) => decodeURIComponent(link.getAttribute('href')!)
const counts = (body: object) => http.get('/api/dashboard', () => HttpResponse.json(body))

describe('the compliance dashboard', () => {
  const COUNTS = {
    role: 'compliance',
    requests: { overdue: 3, this_week: 2, later: 7 },
    disclosures: { notice_due: 2, review_due: 1, holds: 4 },
    outbox: { failed: 5 },
    flags: { open: 3, kinds: { verification_locked: 0, agent_probing: 1, agent_failing: 0, search_rate: 2 } },
  }

  it('shows each queue’s count from one call, linking to the list filtered the same way', async () => {
    let calls = 0
    server.use(
      http.get('/api/dashboard', () => {
        calls++
        return HttpResponse.json(COUNTS)
      }),
      ...signedInAs('compliance'),
    )
    render(<App />)
    const link = (name: RegExp) => screen.findByRole('link', { name }, { timeout: 5000 })
    expect(hrefOf(await link(/^3\s*Overdue$/))).toBe('#/requests?filter={"status":"pending","due":"overdue"}')
    expect(hrefOf(await link(/^2\s*Due within a week$/))).toBe('#/requests?filter={"status":"pending","due":"this_week"}')
    expect(hrefOf(await link(/^7\s*Due later$/))).toBe('#/requests?filter={"status":"pending","due":"later"}')
    expect(hrefOf(await link(/^2\s*Customer notices due$/))).toBe('#/disclosures?filter={"queue":"notice_due"}')
    expect(hrefOf(await link(/^1\s*Emergency disclosures to review$/))).toBe('#/disclosures?filter={"queue":"review_due"}')
    expect(hrefOf(await link(/^4\s*Disclosures holding data$/))).toBe('#/disclosures?filter={"queue":"holds"}')
    expect(hrefOf(await link(/^5\s*Messages that failed to send$/))).toBe('#/outbox?filter={"status":"failed"}')
    expect(hrefOf(await link(/^3\s*All open flags$/))).toBe('#/flags?filter={"open":true}')
    expect(hrefOf(await link(/^2\s*Agent searching faster than allowed$/))).toBe('#/flags?filter={"open":true,"kind":"search_rate"}')
    expect(hrefOf(await link(/^1\s*Agent opening many unverified customers/))).toBe('#/flags?filter={"open":true,"kind":"agent_probing"}')
    // kinds with nothing open are left out
    expect(screen.queryByRole('link', { name: /Verification locked/ })).toBeNull()
    expect(calls).toBe(1)
  })

  it('a count opens its list asking the API with the same filter', async () => {
    const asked: unknown[] = []
    server.use(
      counts(COUNTS),
      ...signedInAs('compliance'),
      http.get('/api/requests', ({ request }) => {
        asked.push(JSON.parse(new URL(request.url).searchParams.get('filter')!))
        return HttpResponse.json([], { headers: { 'Content-Range': 'requests 0-0/0' } })
      }),
    )
    render(<App />)
    await userEvent.click(await screen.findByRole('link', { name: /^3\s*Overdue$/ }, { timeout: 5000 }))
    await waitFor(() => expect(asked).toContainEqual({ status: 'pending', due: 'overdue' }), { timeout: 5000 })
  })
})

describe('the agent dashboard', () => {
  it('starts a call by typing: the caller search has the focus, and picking a customer opens their verification', async () => {
    server.use(
      counts({ role: 'agent', requests: { overdue: 0, this_week: 1, later: 2 } }),
      ...signedInAs('agent'),
      http.get('/api/customers', ({ request }) => {
        expect(JSON.parse(new URL(request.url).searchParams.get('filter')!)).toEqual({ q: 'zhou' })
        const customer = {
          id: 42,
          name: 'M***',
          email: 'z***@example.com',
          phone: null,
          city: 'Shanghai',
          country: 'CN',
          status: 'active',
          masked: true,
        }
        return HttpResponse.json([customer], { headers: { 'Content-Range': 'customers 0-0/1' } })
      }),
      http.get('/api/customers/42', () =>
        HttpResponse.json({
          id: 42,
          name: 'M***',
          email: null,
          phone: null,
          city: null,
          country: 'CN',
          status: 'active',
          masked: true,
        }),
      ),
    )
    render(<App />)
    const search = await screen.findByLabelText('Find the caller', {}, { timeout: 5000 })
    await waitFor(() => expect(document.activeElement).toBe(search))
    await userEvent.keyboard('zhou{Enter}')
    expect(await screen.findByText('M***')).toBeTruthy()
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(window.location.hash).toBe('#/verify/42'))
  })

  it('counts the requests the agent filed by days left', async () => {
    server.use(counts({ role: 'agent', requests: { overdue: 1, this_week: 0, later: 2 } }), ...signedInAs('agent'))
    render(<App />)
    const card = await screen.findByRole('region', { name: 'Requests you filed' }, { timeout: 5000 })
    expect(hrefOf(await within(card).findByRole('link', { name: /^1\s*Overdue$/ }))).toBe(
      '#/requests?filter={"status":"pending","due":"overdue"}',
    )
    expect(within(card).getByRole('link', { name: /^2\s*Due later$/ })).toBeTruthy()
  })
})

describe('the manager and admin dashboards', () => {
  it('gives a manager the report pages and asks for no counts', async () => {
    let asked = false
    server.use(
      http.get('/api/dashboard', () => {
        asked = true
        return HttpResponse.json({ role: 'manager' })
      }),
      ...signedInAs('manager'),
    )
    render(<App />)
    const role = await screen.findByRole('region', { name: 'Aggregate reports' }, { timeout: 5000 })
    expect(within(role).getByRole('link', { name: 'Reports' }).getAttribute('href')).toBe('#/reports')
    expect(within(role).getByRole('link', { name: 'Sales & operations' }).getAttribute('href')).toBe('#/business-reports')
    expect(asked).toBe(false)
  })

  it('gives an admin the staff accounts, active and disabled', async () => {
    server.use(counts({ role: 'admin', staff: { active: 4, disabled: 1 } }), ...signedInAs('admin'))
    render(<App />)
    expect(hrefOf(await screen.findByRole('link', { name: /^1\s*Disabled accounts$/ }, { timeout: 5000 }))).toBe(
      '#/staff?filter={"status":"disabled"}',
    )
    expect(hrefOf(screen.getByRole('link', { name: /^4\s*Active accounts$/ }))).toBe('#/staff?filter={"status":"active"}')
  })
})
