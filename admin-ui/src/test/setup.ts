import { cleanup } from '@testing-library/react'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { forgetStaff } from '../authProvider'
import { startI18n } from '../i18n/i18nProvider'
import { server } from './server'

// Node's fetch wants absolute URLs; the console calls its own origin with relative ones, as a browser would.
const nodeFetch = globalThis.fetch
globalThis.fetch = (input, init) =>
  nodeFetch(typeof input === 'string' && input.startsWith('/') ? new URL(input, window.location.origin) : input, init)

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  // as main.tsx does before the first render: the console's strings, in English (jsdom's browser speaks it)
  await startI18n('en')
})
afterEach(() => {
  cleanup()
  server.resetHandlers()
  forgetStaff()
  window.location.hash = ''
  localStorage.clear()
})
afterAll(() => server.close())
