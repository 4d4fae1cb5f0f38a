import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from './App'
import { apiError, server, signedInAs, staffOf } from './test/server'

const STAFF = [
  { id: 1, email: 'agent@example.com', name: 'Li Na', role: 'agent', status: 'active', last_login_at: null },
  { id: 4, email: 'admin@example.com', name: 'Wang Fang', role: 'admin', status: 'active', last_login_at: null },
]

describe('signing in', () => {
  it('sends the credentials to the API and opens the dashboard of the role', async () => {
    let signedIn = false
    let sent: unknown
    server.use(
      http.get('/api/auth/me', () => (signedIn ? HttpResponse.json(staffOf('admin')) : apiError(401, 'unauthenticated', 'Sign in'))),
      http.post('/api/auth/login', async ({ request }) => {
        sent = await request.json()
        signedIn = true
        return HttpResponse.json(staffOf('admin'))
      }),
      http.get('/api/dashboard', () => HttpResponse.json({ role: 'admin', staff: { active: 4, disabled: 0 } })),
    )
    render(<App />)
    await userEvent.type(await screen.findByLabelText(/^email/i), 'admin@example.com')
    await userEvent.type(screen.getByLabelText(/password/i, { selector: 'input' }), 'Correct-horse-battery-9')
    await userEvent.click(screen.getByRole('button', { name: /sign in/i }))
    expect(await screen.findByText('Welcome, Wang Fang', {}, { timeout: 5000 })).toBeTruthy()
    expect(sent).toEqual({ email: 'admin@example.com', password: 'Correct-horse-battery-9' })
  })

  it('shows the API’s message when the credentials are wrong', async () => {
    server.use(
      http.get('/api/auth/me', () => apiError(401, 'unauthenticated', 'Sign in')),
      http.post('/api/auth/login', () => apiError(401, 'invalid_credentials', 'Email or password is incorrect.')),
    )
    render(<App />)
    await userEvent.type(await screen.findByLabelText(/^email/i), 'admin@example.com')
    await userEvent.type(screen.getByLabelText(/password/i, { selector: 'input' }), 'wrong')
    await userEvent.click(screen.getByRole('button', { name: /sign in/i }))
    expect(await screen.findByText('Email or password is incorrect.')).toBeTruthy()
  })
})

describe('the menu', () => {
  it('shows an agent only what agents may use', async () => {
    server.use(...signedInAs('agent'))
    render(<App />)
    expect(await screen.findByText('Signed in as Agent')).toBeTruthy()
    const menu = await screen.findByRole('menu')
    // once the agent's own items are in, the rest would be too
    expect(await within(menu).findByText('Customers', {}, { timeout: 5000 })).toBeTruthy()
    expect(within(menu).getByText('Verify caller')).toBeTruthy()
    expect(within(menu).queryByText('Staff')).toBeNull()
    expect(within(menu).queryByText('Audit log')).toBeNull()
    expect(within(menu).queryByText('Reports')).toBeNull()
  })

  it('shows an admin staff, settings, audit log and reports', async () => {
    server.use(...signedInAs('admin'))
    render(<App />)
    const menu = await screen.findByRole('menu')
    for (const item of ['Staff', 'Settings', 'Audit log', 'Reports']) {
      expect(await within(menu).findByText(item, {}, { timeout: 5000 })).toBeTruthy()
    }
  })
})

describe('API errors', () => {
  it('a 401 from any call sends the user back to sign-in', async () => {
    let sessionEnded = false
    server.use(
      http.get('/api/auth/me', () => (sessionEnded ? apiError(401, 'unauthenticated', 'Sign in') : HttpResponse.json(staffOf('admin')))),
      http.post('/api/auth/logout', () => new HttpResponse(null, { status: 204 })),
      http.get('/api/staff', () => {
        sessionEnded = true
        return apiError(401, 'unauthenticated', 'Sign in to continue.')
      }),
    )
    window.location.hash = '#/staff'
    render(<App />)
    // (jsdom keeps the old page painted; the journey in Chromium shows the sign-in form itself)
    await waitFor(() => expect(window.location.hash).toBe('#/login'), { timeout: 5000 })
  })

  it('a 403 is shown, and the user stays signed in', async () => {
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff', () => apiError(403, 'forbidden', 'Your role does not allow this.')),
    )
    window.location.hash = '#/staff'
    render(<App />)
    expect(await screen.findByText('Your role does not allow this.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: /sign in/i })).toBeNull()
  })

  it('a server validation error is shown on the field it names', async () => {
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff', () => HttpResponse.json(STAFF, { headers: { 'Content-Range': 'staff 0-1/2' } })),
      http.post('/api/staff', () =>
        apiError(409, 'conflict', 'A staff member with this email already exists.', { email: 'Already in use' }),
      ),
    )
    window.location.hash = '#/staff/create'
    render(<App />)
    await userEvent.type(await screen.findByLabelText(/^name/i), 'Zhou Min')
    await userEvent.type(screen.getByLabelText(/^email/i), 'agent@example.com')
    await userEvent.click(screen.getByLabelText(/^role/i))
    await userEvent.click(await screen.findByRole('option', { name: 'Agent' }))
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    const email = screen.getByLabelText(/^email/i)
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'))
    expect(await screen.findByText('Already in use')).toBeTruthy()
  })
})
