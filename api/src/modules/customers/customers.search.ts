import { type Database, foldName, phoneDigits, phoneNationalDigits, phoneTail } from '@verity/db'
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely'
import { badRequest, because } from '../../platform/errors.js'

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

/**
 * `Wang Wei` → [wang, wei]; `王伟` → [王, 伟] (a Chinese family name first, one character in most cases); each folded as
 * the stored `*_name_folded` columns are (`ÉLODIE` → elodie).
 */
export function nameTokens(q: string): string[] {
  const words = foldName(q)
    .split(/[\s,]+/)
    .filter(Boolean)
  if (words.length === 1 && /^\p{Script=Han}{2,4}$/u.test(words[0]!)) {
    const [family, ...given] = Array.from(words[0]!)
    return [family!, given.join('')]
  }
  return words.slice(0, 5)
}

/** Fewer digits than this cannot be a whole phone number: refused outright, as a sign of guessing. */
const MIN_PHONE_DIGITS = 8

/**
 * The whole numbers a phone search can mean, as bare digits: in international form (`+86 138 1234 5678`,
 * `008613812345678`, or `8613812345678` without its plus) or the whole national number (`138 1234 5678`, `(213) 555-0100`,
 * `07700 900123` with its trunk 0). Never a part of a number: a number's tail finds no one.
 */
export function phoneForms(q: string): { international: string[]; national: string[] } {
  // `+44 (0)7700 900123`: the trunk 0 written in brackets after the country code is not dialled.
  const digits = q.replace(/\(0\)/g, '').replace(/\D/g, '')
  const whole = (forms: string[]) => forms.filter((d) => d.length >= MIN_PHONE_DIGITS)
  if (q.startsWith('+')) return { international: whole([digits]), national: [] }
  if (digits.startsWith('00')) return { international: whole([digits.slice(2)]), national: [] }
  return { international: whole([digits]), national: whole(digits.startsWith('0') ? [digits, digits.slice(1)] : [digits]) }
}

/**
 * The condition that finds the customers a search names. Only a complete identifier finds anyone: a whole email, a whole
 * phone number, a whole order number, a customer id or a name (docs/design.md promise 3). Each kind is answered from an index
 * (migrations add_caller_verification and fold_customer_names), so it stays fast at a million customers.
 */
export function searchCondition(db: Kysely<Database>, input: string): Search {
  const { kind, branches } = searchBranches(db, input)
  return { kind, branches, where: branches.length === 1 ? branches[0]! : (eb) => eb.or(branches.map((b) => b(eb))) }
}

export interface Search {
  kind: SearchKind
  /** who the search finds */
  where: Where
  /**
   * The same, as conditions whose union it is, each answered by an index that keeps its matches in id order (a name:
   * family name alone, given name alone, or both): a page by id reads a page from each, never every match sorted.
   */
  branches: Where[]
}

function searchBranches(db: Kysely<Database>, input: string): { kind: SearchKind; branches: Where[] } {
  const q = foldQuery(input)
  const kind = classifySearch(q)
  const one = (where: Where) => ({ kind, branches: [where] })
  switch (kind) {
    case 'email':
      return one((eb) => eb(eb.fn('lower', ['email']), '=', q.toLowerCase()))
    case 'order_number': {
      // orders.customer_id is nullable in the schema; the rows this finds have one.
      const orders = db
        .selectFrom('orders')
        .select('customer_id')
        .where('number', '=', q.toUpperCase())
        .where('customer_id', 'is not', null)
        .$narrowType<{ customer_id: number }>()
      // An erased customer's orders stay for the accounts, but do not lead back to them.
      return one((eb) => eb.and([eb('id', 'in', orders), eb('status', '!=', 'erased')]))
    }
    case 'id':
      return one((eb) => eb('id', '=', Number(q)))
    case 'phone': {
      const digits = q.replace(/\D/g, '')
      if (digits.length < MIN_PHONE_DIGITS) {
        throw because(
          'phone_incomplete',
          badRequest('Enter the whole phone number.', { q: `A whole phone number: at least ${MIN_PHONE_DIGITS} digits` }),
        )
      }
      const { international, national } = phoneForms(q)
      // Every form ends in the same eight digits: the phone-tail index narrows to them, then the whole number must agree
      // (no form at all finds no one).
      const phone = (eb: ExpressionBuilder<Database, 'customers'>) =>
        eb.and([
          eb(phoneTail(db), '=', digits.slice(-MIN_PHONE_DIGITS)),
          eb.or([...international.map((d) => eb(phoneDigits, '=', d)), ...national.map((d) => eb(phoneNationalDigits(db), '=', d))]),
        ])
      // Eight or nine bare digits may be a short national number or a long customer id: look for both.
      if (/^\d{8,9}$/.test(q)) return one((eb) => eb.or([phone(eb), eb('id', '=', Number(q))]))
      return one(phone)
    }
    case 'name': {
      const tokens = nameTokens(q)
      const full = (first: string, last: string) => (eb: ExpressionBuilder<Database, 'customers'>) =>
        eb.and([eb('last_name_folded', '=', last), eb('first_name_folded', '=', first)])
      if (tokens.length === 1) {
        const [t] = tokens as [string]
        return { kind, branches: [(eb) => eb('last_name_folded', '=', t), (eb) => eb('first_name_folded', '=', t)] }
      }
      // Either order, and any split of the words into given and family names ("Al Mansouri Fatima").
      const splits = tokens.slice(1).map((_, i) => [tokens.slice(0, i + 1).join(' '), tokens.slice(i + 1).join(' ')] as const)
      return { kind, branches: splits.flatMap(([a, b]) => [full(a, b), full(b, a)]) }
    }
  }
}

/**
 * One spelling of what was searched for, whatever way it was typed (`+86 138…`, `008613…`, `8613…`; `WANG@163.COM`;
 * `Wei Wang` and `wang wei`): its keyed hash ties repeated probes of one value together in the audit log.
 */
export function canonicalTerm(input: string): string {
  const q = foldQuery(input)
  const kind = classifySearch(q)
  switch (kind) {
    case 'email':
      return `email:${q.toLowerCase()}`
    case 'order_number':
      return `order:${q.toUpperCase()}`
    case 'id':
      return `id:${Number(q)}`
    case 'phone': {
      const forms = phoneForms(q)
      return `phone:${forms.international[0] ?? forms.national[0] ?? q.replace(/\D/g, '')}`
    }
    case 'name':
      return `name:${[...nameTokens(q)].sort().join(' ')}`
  }
}
