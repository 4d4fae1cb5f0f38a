import { type Database, phoneDigits, phoneTail } from '@verity/db'
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely'
import { badRequest } from '../../platform/errors.js'

export type SearchKind = 'email' | 'order_number' | 'phone' | 'id' | 'name'
type Where = (eb: ExpressionBuilder<Database, 'customers'>) => Expression<SqlBool>

/** Full-width forms folded (ｗａｎｇ＠１６３．ｃｏｍ), spaces collapsed: as an agent may type what a caller says. */
export function foldQuery(q: string): string {
  return q.normalize('NFKC').trim().replace(/\s+/g, ' ')
}

/** Tells what a caller's identifier is, the way an agent types it. */
export function classifySearch(q: string): SearchKind {
  if (q.includes('@')) return 'email'
  if (/^TM\d{6,}$/i.test(q)) return 'order_number'
  if (/^\d{1,7}$/.test(q)) return 'id'
  if (/^\+?[\d\s().-]+$/.test(q)) return 'phone'
  return 'name'
}

/** `Wang Wei` → [wang, wei]; `王伟` → [王, 伟] (a Chinese family name first, one character in most cases). */
export function nameTokens(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)
  if (words.length === 1 && /^\p{Script=Han}{2,4}$/u.test(words[0]!)) {
    const [family, ...given] = Array.from(words[0]!)
    return [family!, given.join('')]
  }
  return words.slice(0, 5)
}

/**
 * The condition that finds the customers a search names; each kind is answered from an index
 * (see migration add_caller_verification), so it stays fast at a million customers.
 */
export function searchCondition(db: Kysely<Database>, input: string): { kind: SearchKind; where: Where } {
  const q = foldQuery(input)
  const kind = classifySearch(q)
  switch (kind) {
    case 'email':
      return { kind, where: (eb) => eb(eb.fn('lower', ['email']), '=', q.toLowerCase()) }
    case 'order_number': {
      const orders = db.selectFrom('orders').select('customer_id').where('number', '=', q.toUpperCase())
      // orders.customer_id is nullable (erased customers' orders stay for accounting); Kysely wants the types to agree.
      return { kind, where: (eb) => eb('id', 'in', orders as never) }
    }
    case 'id':
      return { kind, where: (eb) => eb('id', '=', Number(q)) }
    case 'phone': {
      const digits = q.replace(/\D/g, '')
      if (digits.length < 8) throw badRequest('Enter at least 8 digits of the phone number.', { q: 'At least 8 digits' })
      // The index finds the last eight digits; the caller may give the number with or without its country code.
      const phone = (eb: ExpressionBuilder<Database, 'customers'>) =>
        eb.and([eb(phoneTail(db), '=', digits.slice(-8)), eb(phoneDigits, 'like', `%${digits}`)])
      // Eight or nine bare digits may be a short national number or a long customer id: look for both.
      if (/^\d{8,9}$/.test(q)) return { kind, where: (eb) => eb.or([phone(eb), eb('id', '=', Number(q))]) }
      return { kind, where: phone }
    }
    case 'name': {
      const tokens = nameTokens(q)
      const full = (first: string, last: string) => (eb: ExpressionBuilder<Database, 'customers'>) =>
        eb.and([eb(eb.fn('lower', ['last_name']), '=', last), eb(eb.fn('lower', ['first_name']), '=', first)])
      if (tokens.length === 1) {
        const [t] = tokens as [string]
        return { kind, where: (eb) => eb.or([eb(eb.fn('lower', ['last_name']), '=', t), eb(eb.fn('lower', ['first_name']), '=', t)]) }
      }
      // Either order, and any split of the words into given and family names ("Al Mansouri Fatima").
      const splits = tokens.slice(1).map((_, i) => [tokens.slice(0, i + 1).join(' '), tokens.slice(i + 1).join(' ')] as const)
      return { kind, where: (eb) => eb.or(splits.flatMap(([a, b]) => [full(a, b)(eb), full(b, a)(eb)])) }
    }
  }
}
