import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'
import { onAPhone } from '../test/phone'

afterEach(() => vi.unstubAllGlobals())

describe('the app bar on a phone', () => {
  it('keeps language, theme and user menu as named icons, and the language can still be changed', async () => {
    onAPhone()
    server.use(
      ...signedInAs('agent'),
      http.get('/api/dashboard', () => HttpResponse.json({})),
    )
    window.location.hash = '#/verify'
    render(<App />)
    const language = await screen.findByRole('button', { name: 'Language: English' }, { timeout: 5000 })
    expect(language.textContent).toBe('')
    // the user menu is an icon (react-admin names it "Profile" there: no name is shown for the label to start with)
    expect(screen.getByRole('button', { name: 'Profile' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Toggle light/dark mode' })).toBeTruthy()
    await userEvent.click(language)
    await userEvent.click(await screen.findByRole('menuitem', { name: '简体中文' }))
    expect(await screen.findByRole('button', { name: '语言：简体中文' })).toBeTruthy()
  })
})
