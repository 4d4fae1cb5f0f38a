import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { apiError, server } from '../test/server'

const signedOut = () => server.use(http.get('/api/auth/me', () => apiError(401, 'unauthenticated', 'Sign in')))

describe('the sign-in page', () => {
  it('asks for an email, typed as one and filled in as the username by password managers', async () => {
    signedOut()
    render(<App />)
    const email = (await screen.findByLabelText(/^email/i, {}, { timeout: 5000 })) as HTMLInputElement
    expect(email.type).toBe('email')
    expect(email.autocomplete).toBe('username')
    expect(document.activeElement).toBe(email)
    const password = screen.getByLabelText(/^password/i, { selector: 'input' }) as HTMLInputElement
    expect(password.autocomplete).toBe('current-password')
    expect(screen.queryByLabelText(/username/i)).toBeNull()
  })

  it('switches to Simplified Chinese and back before signing in', async () => {
    signedOut()
    render(<App />)
    await screen.findByLabelText(/^email/i, {}, { timeout: 5000 })
    const language = screen.getByRole('group', { name: 'Language' })
    expect(within(language).getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true')
    await userEvent.click(within(language).getByRole('button', { name: '简体中文' }))
    expect(await screen.findByLabelText(/^电子邮件/)).toBeTruthy()
    expect(screen.getByLabelText(/^密码/, { selector: 'input' })).toBeTruthy()
    const zh = screen.getByRole('group', { name: '语言' })
    expect(within(zh).getByRole('button', { name: '简体中文' }).getAttribute('aria-pressed')).toBe('true')
    expect(within(zh).getByRole('button', { name: '简体中文' }).getAttribute('lang')).toBe('zh-Hans')
    await userEvent.click(within(zh).getByRole('button', { name: 'English' }))
    expect(await screen.findByLabelText(/^email/i)).toBeTruthy()
  })
})
