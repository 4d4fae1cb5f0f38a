import type { VerificationField } from '@verity/db'

/** Full-width to half-width, case folded, spaces collapsed: what a caller says and what is stored compare alike. */
export function fold(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ')
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const pad = (n: number) => String(n).padStart(2, '0')

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null
  return `${y}-${pad(m)}-${pad(d)}`
}

/** Dates as callers give them: 1990-01-02, 1990/1/2, 19900102, 1990年1月2日, 02/01/1990 (day first), 2 Jan 1990. */
export function normalizeDate(value: string): string | null {
  const v = fold(value)
  let m = v.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/)
  if (m) return isoDate(+m[1]!, +m[2]!, +m[3]!)
  m = v.match(/^(\d{4})(\d{2})(\d{2})$/)
  if (m) return isoDate(+m[1]!, +m[2]!, +m[3]!)
  m = v.match(/^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$/)
  if (m) return isoDate(+m[3]!, +m[2]!, +m[1]!)
  m = v.match(/^(\d{1,2})\s*([a-z]{3})[a-z]*\.?,?\s*(\d{4})$/)
  if (m && MONTHS.includes(m[2]!)) return isoDate(+m[3]!, MONTHS.indexOf(m[2]!) + 1, +m[1]!)
  m = v.match(/^([a-z]{3})[a-z]*\.?\s*(\d{1,2}),?\s*(\d{4})$/)
  if (m && MONTHS.includes(m[1]!)) return isoDate(+m[3]!, MONTHS.indexOf(m[1]!) + 1, +m[2]!)
  return null
}

/** The comparable form of an answer or a stored value for a question's field; null when it cannot be one. */
export function normalizeAnswer(field: VerificationField, value: string): string | null {
  const v = fold(value)
  switch (field) {
    case 'birth_date':
      return normalizeDate(v)
    case 'phone_last4':
    case 'card_last4': {
      const digits = v.replace(/\D/g, '')
      return digits.length >= 4 ? digits.slice(-4) : null
    }
    case 'postal_code':
    case 'order_number':
      return v.replace(/[\s-]/g, '').toUpperCase() || null
    case 'email':
      return v.replace(/\s/g, '') || null
  }
}
