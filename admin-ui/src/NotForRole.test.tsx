import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { App } from './App'
import { server, signedInAs } from './test/server'

/** Any request these pages would make is unhandled, and fails the test: the page must not render at all. */
describe('a page the role may not use', () => {
  it('a manager at /customers is told at once, not after searching, and led back to the dashboard', async () => {
    server.use(...signedInAs('manager'))
    window.location.hash = '#/customers'
    render(<App />)
    expect(await screen.findByRole('heading', { name: 'This page is not available to your role' }, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText(/As Manager you cannot use this page/)).toBeTruthy()
    expect(screen.queryByLabelText('Find the caller')).toBeNull()
    await userEvent.click(screen.getByRole('link', { name: 'Back to the dashboard' }))
    expect(await screen.findByText('Signed in as Manager')).toBeTruthy()
    expect(window.location.hash).toBe('#/')
  })

  const cases: [Parameters<typeof signedInAs>[0], string][] = [
    ['manager', '#/verify'],
    ['manager', '#/customers/4/show'],
    ['agent', '#/staff'],
    ['agent', '#/reports'],
    ['agent', '#/disclosures/create'],
    ['admin', '#/requests'],
    ['admin', '#/flags'],
    ['compliance', '#/settings'],
  ]
  for (const [role, hash] of cases) {
    it(`${role} at ${hash} gets the not-for-your-role page`, async () => {
      server.use(...signedInAs(role))
      window.location.hash = hash
      render(<App />)
      expect(await screen.findByRole('heading', { name: 'This page is not available to your role' }, { timeout: 5000 })).toBeTruthy()
    })
  }

  it('an address that is no page at all says so instead', async () => {
    server.use(...signedInAs('agent'))
    window.location.hash = '#/no-such-page'
    render(<App />)
    expect(await screen.findByRole('heading', { name: 'There is no such page' }, { timeout: 5000 })).toBeTruthy()
  })
})
