import { render, screen } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { App } from '../App'
import { server, signedInAs } from '../test/server'
import type { CustomerRecord } from './types'

/** Fifteen minutes from now, less a few seconds: 15 minutes left, however long the page takes to render. */
const until = new Date(Date.now() + 15 * 60_000 - 5_000)
const pad = (n: number) => String(n).padStart(2, '0')
const h24 = `${until.getHours()}:${pad(until.getMinutes())}`
/** 2:37 PM, with whichever space this Node's ICU puts before the AM or PM */
const h12 = `${until.getHours() % 12 || 12}:${pad(until.getMinutes())}[\\s\u202f]${until.getHours() < 12 ? 'AM' : 'PM'}`

const longWord = 'Zhangwei-Longfamilyname-Hyphenated-Household-Account'
const record: CustomerRecord = {
  id: 42,
  name: `${longWord} Wei`,
  email: `${longWord.toLowerCase()}@very-long-company-domain-name.example.com`,
  phone: '+86 138 1234 5678',
  birth_date: '1990-01-02',
  gender: 'male',
  region: 'Zhejiang',
  city: 'Hangzhou',
  country: 'CN',
  status: 'locked',
  guardian_name: null,
  created_at: '2020-03-04T05:06:07Z',
  last_login_at: '2026-11-01T08:00:00Z',
  masked: false,
  legal_hold: true,
  access: { basis: 'break_glass', until: until.toISOString() },
  addresses: [
    {
      id: 11,
      label: 'Home',
      recipient_name: `${longWord} Wei`,
      line1: `Building 7, ${longWord} Residential Compound, 1234 Wensan Road`,
      line2: null,
      city: 'Hangzhou',
      region: 'Zhejiang',
      postal_code: '310012',
      country: 'CN',
      phone: null,
      is_default: true,
    },
  ],
  payment_methods: [{ id: 3, brand: 'visa', last4: '4242', exp_month: 4, exp_year: 2029 }],
  orders: [
    {
      id: 5,
      number: 'TM20240101000000123456789',
      placed_at: '2026-10-01T00:00:00Z',
      status: 'delivered',
      total_cents: 123456,
      currency: 'CNY',
    },
  ],
  access_logs: [{ id: 6, at: '2026-11-01T08:00:00Z', ip: '203.0.113.77', os: 'Android 14', browser: 'Chrome Mobile 131' }],
  verifications: [{ id: 7, created_at: '2026-11-01T08:00:00Z', channel: 'phone', status: 'failed', staff_name: 'Wang Fang' }],
  open_requests: [],
  break_glass: [
    {
      id: 8,
      reason: `Fraud investigation ${longWord}`,
      created_at: '2026-11-27T01:00:00Z',
      expires_at: until.toISOString(),
      staff_name: 'Li Na',
    },
  ],
  flags: [],
}

/** The console's language is kept in the store; each test says which it wants. */
function showRecord(r: object = record, locale: 'en' | 'zh' = 'en') {
  localStorage.setItem('RaStore.locale', JSON.stringify(locale))
  server.use(
    ...signedInAs('compliance'),
    http.get('/api/customers/42', () => HttpResponse.json(r)),
  )
  window.location.hash = '#/customers/42/show'
  render(<App />)
}

describe('the customer record', () => {
  it('says until when it is unmasked as a time of day in English, and how many minutes are left', async () => {
    showRecord({ ...record, status: 'active', legal_hold: false, access: { basis: 'verification', until: until.toISOString() } })
    const chip = await screen.findByText(/^Verified caller: visible until/, {}, { timeout: 5000 })
    expect(chip.textContent).toMatch(new RegExp(`^Verified caller: visible until ${h12} \\(15 minutes left\\)$`))
  })

  it('says it in Chinese with a 24-hour clock', async () => {
    showRecord(record, 'zh')
    const chip = await screen.findByText(/^已填写理由开启/, {}, { timeout: 5000 })
    expect(chip.textContent).toBe(`已填写理由开启：可见至 ${h24}（还剩 15 分钟）`)
    expect(chip.textContent).not.toMatch(/AM|PM|:\d\d:\d\d/)
  })

  it('has no fixed width that would widen a phone’s screen, and lets long values wrap', async () => {
    showRecord()
    await screen.findByText(record.email!, {}, { timeout: 5000 })
    const tooWide = (value: string) => /^\d+(\.\d+)?px$/.test(value) && parseFloat(value) > 390
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const style = getComputedStyle(el)
      for (const property of ['width', 'min-width'] as const) {
        if (tooWide(el.style.getPropertyValue(property)) || tooWide(style.getPropertyValue(property))) {
          throw new Error(`${el.tagName}.${el.className} has ${property} ${style.getPropertyValue(property)}`)
        }
      }
    }
    // the name, the email and the chips may break where a phone needs them to
    const heading = screen.getByRole('heading', { level: 1, name: record.name })
    expect(getComputedStyle(heading).whiteSpace).not.toBe('nowrap')
    expect(getComputedStyle(screen.getByText(record.email!)).overflowWrap).toBe('anywhere')
    const chip = screen.getByText(/^Opened with a written reason: visible until/)
    expect(getComputedStyle(chip).whiteSpace).toBe('normal')
    // wide tables scroll inside their own card
    for (const table of screen.getAllByRole('table')) expect(getComputedStyle(table.parentElement!).overflowX).toBe('auto')
  })
})
