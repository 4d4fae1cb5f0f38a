import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { apiError, server } from '../test/server'

/** Nobody signed in: the page a set-password link opens. */
function openLink(hash: string) {
  const sent: unknown[] = []
  server.use(
    http.get('/api/auth/me', () => apiError(401, 'unauthenticated', 'Sign in to continue.')),
    http.post('/api/auth/set-password', async ({ request }) => {
      const body = (await request.json()) as { token: string }
      sent.push(body)
      if (body.token !== 'good-token')
        return HttpResponse.json(
          { error: { code: 'bad_request', message: 'This link is not valid any more.', reason: 'password_link_invalid' } },
          { status: 400 },
        )
      return new HttpResponse(null, { status: 204 })
    }),
  )
  window.location.hash = hash
  render(<App />)
  return sent
}

describe('the set-password page', () => {
  it('opens without signing in, checks the two passwords by keyboard alone, and sets it', async () => {
    const sent = openLink('#/set-password?token=good-token')
    const password = await screen.findByLabelText(/^new password/i, {}, { timeout: 5000 })
    expect(await screen.findByRole('heading', { name: 'Choose your password' })).toBeTruthy()
    expect(document.activeElement).toBe(password)
    await userEvent.keyboard('short{Enter}')
    expect(await screen.findByText('At least 12 characters')).toBeTruthy()
    expect(sent).toEqual([])
    await userEvent.clear(password)
    await userEvent.type(password, 'My-own-password-1')
    await userEvent.tab()
    await userEvent.keyboard('My-own-password-2{Enter}')
    expect(await screen.findByText('The two passwords differ')).toBeTruthy()
    const confirm = screen.getByLabelText(/^repeat the password/i)
    await userEvent.clear(confirm)
    await userEvent.type(confirm, 'My-own-password-1{Enter}')
    expect(await screen.findByText('Your password is set. Sign in with it.')).toBeTruthy()
    expect(sent).toEqual([{ token: 'good-token', password: 'My-own-password-1' }])
    expect(screen.getByRole('link', { name: 'Go to sign-in' }).getAttribute('href')).toBe('#/login')
  })

  it('keeps what was typed through a switch of language; says a used link is no longer valid, and then forgets the password', async () => {
    openLink('#/set-password?token=used-token')
    await userEvent.type(await screen.findByLabelText(/^new password/i, {}, { timeout: 5000 }), 'My-own-password-1')
    await userEvent.type(screen.getByLabelText(/^repeat the password/i), 'My-own-password-1')
    await userEvent.click(screen.getByRole('button', { name: '简体中文' }))
    // the page is drawn afresh in Chinese, with what was typed still there
    const password = (await screen.findByLabelText(/^新密码/)) as HTMLInputElement
    expect(password.value).toBe('My-own-password-1')
    expect((screen.getByLabelText(/^再次输入密码/) as HTMLInputElement).value).toBe('My-own-password-1')
    await userEvent.type(password, '{Enter}')
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('此链接已失效'))
    // refused, the password is kept nowhere but in its fields: drawn afresh, they are empty
    await userEvent.click(screen.getByRole('button', { name: 'English' }))
    expect(((await screen.findByLabelText(/^new password/i)) as HTMLInputElement).value).toBe('')
  })

  it('without a token, says to open the link from the email', async () => {
    openLink('#/set-password')
    expect(await screen.findByText(/This page needs the link from your email/, {}, { timeout: 5000 })).toBeTruthy()
  })
})
