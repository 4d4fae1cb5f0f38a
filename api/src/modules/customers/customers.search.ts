import type { Database } from '@verity/db'
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'

export type SearchKind = 'email' | 'order_number' | 'phone' | 'id' | 'name'

/** Tells what a caller's identifier is, the way an agent would type it. */
export function classifySearch(q: string): SearchKind {
  if (q.includes('@')) return 'email'
  if (/^TM\d{6,}$/i.test(q)) return 'order_number'
  const digits = q.replace(/[\s()+.-]/g, '')
  if (/^\d+$/.test(digits)) return digits.length <= 9 && !/[\s()+-]/.test(q) ? 'id' : 'phone'
  return 'name'
}

/** Phone numbers compared as bare digits: the same expression as the index on customers. */
export const phoneDigitsSql = sql<string>`replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', '')`

/** The condition that finds the customers a search names. */
export function searchCondition(
  db: Kysely<Database>,
  q: string,
): { kind: SearchKind; where: (eb: ExpressionBuilder<Database, 'customers'>) => Expression<SqlBool> } {
  const kind = classifySearch(q)
  switch (kind) {
    case 'email':
      return { kind, where: (eb) => eb(eb.fn('lower', ['email']), '=', q.toLowerCase()) }
    case 'order_number':
      return {
        kind,
        where: (eb) => eb('id', 'in', db.selectFrom('orders').select('customer_id').where('number', '=', q.toUpperCase()) as never),
      }
    case 'id': {
      const id = Number(q)
      // A short number may also be the end of a phone number.
      return { kind, where: (eb) => eb('id', '=', id) }
    }
    case 'phone': {
      const digits = q.replace(/\D/g, '')
      // With or without the country code: match the full digits, or the national number at the end.
      return { kind, where: (eb) => eb.or([eb(phoneDigitsSql, '=', digits), eb(phoneDigitsSql, 'like', `%${digits}`)]) }
    }
    case 'name': {
      const tokens = splitName(q)
      return {
        kind,
        where: (eb) =>
          eb.and(
            tokens.map((t) => {
              const prefix = `${t.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`
              return eb.or([
                eb(eb.fn('lower', ['first_name']), 'like', prefix),
                eb(eb.fn('lower', ['last_name']), 'like', prefix),
              ])
            }),
          ),
      }
    }
  }
}

/** `Wang Wei` → [wang, wei]; `王伟` → [王, 伟] (a Chinese family name first, mostly one character). */
export function splitName(q: string): string[] {
  const words = q.split(/[\s,]+/).filter(Boolean)
  if (words.length === 1 && /^\p{Script=Han}{2,4}$/u.test(words[0]!)) {
    const [family, ...given] = Array.from(words[0]!)
    return [family!, given.join('')]
  }
  return words.slice(0, 4)
}
