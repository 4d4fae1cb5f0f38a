import { describe, expect, it } from 'vitest'
import { normalizeAnswer, normalizeDate } from './normalize.js'

describe('answers are compared in a normal form', () => {
  it('reads dates as callers say them', () => {
    for (const said of [
      '1990-01-02',
      '1990/1/2',
      '1990.01.02',
      '19900102',
      '1990年1月2日',
      '02/01/1990',
      '2 Jan 1990',
      'January 2, 1990',
      '１９９０－０１－０２',
    ]) {
      expect(normalizeDate(said), said).toBe('1990-01-02')
    }
    expect(normalizeDate('1990-02-30')).toBeNull()
    expect(normalizeDate('yesterday')).toBeNull()
  })

  it('folds case, spaces, full-width forms and punctuation', () => {
    expect(normalizeAnswer('email', ' Wei.Wang@163.COM ')).toBe('wei.wang@163.com')
    expect(normalizeAnswer('email', 'ｗｅｉ＠１６３．ｃｏｍ')).toBe('wei@163.com')
    expect(normalizeAnswer('phone_last4', '+86 (138) 1234-5678')).toBe('5678')
    expect(normalizeAnswer('phone_last4', '５６７８')).toBe('5678')
    expect(normalizeAnswer('postal_code', 'sw1a 1aa')).toBe('SW1A1AA')
    expect(normalizeAnswer('postal_code', '01310-100')).toBe('01310100')
    expect(normalizeAnswer('order_number', 'tm 2024-0101 000000123')).toBe('TM20240101000000123')
    expect(normalizeAnswer('card_last4', '12')).toBeNull()
  })
})
