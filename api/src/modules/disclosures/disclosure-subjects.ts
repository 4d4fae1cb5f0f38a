import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import type { StaffContext } from '../../platform/context.js'
import { badRequest, because, unprocessable } from '../../platform/errors.js'
import { maskEmail, maskPhone } from '../../platform/masking.js'
import { classifySearch, foldQuery, type SearchKind } from '../customers/customers.search.js'
import { refusedSearchOnRecord, searchCustomers } from '../customers/customers.service.js'
import type { Trx } from '../../platform/transaction.js'

/** The identifiers legal process names a person by; a name alone never picks out one person (docs/design.md, Disclosures). */
export type SubjectKind = Exclude<SearchKind, 'name'>
/** How many of the customers one identifier matches are offered; a phone or order number shared by more is rare. */
const OFFERED = 25
/** How long a lookup's match stands for the record it is added to: long enough to fill in the rest of the form. */
const MATCH_VALID_MS = 12 * 3_600_000

/** The identifier as the record keeps it: enough for compliance to tell which one was named, not the identifier itself. */
export function maskIdentifier(kind: SubjectKind, identifier: string): string {
  const q = foldQuery(identifier)
  switch (kind) {
    case 'email':
      return maskEmail(q.toLowerCase())!
    case 'phone':
      return maskPhone(q)!
    case 'order_number':
      // as a phone number: its digits answer a verification question
      return maskPhone(q.toUpperCase())!
    case 'id':
      return `#${Number(q)}`
  }
}

interface Match {
  staffId: number
  customerId: number
  kind: SubjectKind
  masked: string
  at: number
}

function matchKey(ctx: StaffContext) {
  return createHmac('sha256', ctx.config.auditKey).update('verity.disclosure-subject').digest()
}
const sign = (ctx: StaffContext, payload: string) => createHmac('sha256', matchKey(ctx)).update(payload).digest('base64url')

/**
 * A signed statement that this lookup matched this customer by this kind of identifier, which the record then keeps: the
 * match is made once, on the record and counted, and adding the subject does not ask the question again.
 */
function signMatch(ctx: StaffContext, m: Match): string {
  const payload = Buffer.from(JSON.stringify([m.staffId, m.customerId, m.kind, m.masked, m.at])).toString('base64url')
  return `${payload}.${sign(ctx, payload)}`
}

function readMatch(ctx: StaffContext, token: string): Match | null {
  const parts = token.split('.')
  const [payload, signature] = parts
  if (parts.length !== 2 || !payload || !signature) return null
  const expected = Buffer.from(sign(ctx, payload))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  // signed by this server, so well formed
  const [staffId, customerId, kind, masked, at] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [
    number,
    number,
    SubjectKind,
    string,
    number,
  ]
  return { staffId, customerId, kind, masked, at }
}

/**
 * The customers an identifier from legal process matches exactly (email, phone, customer id or order number; never a
 * name, never nothing), each with a match to add them by. It is the customer search itself, so it is audited with its
 * kind and counted against the same lookup rate.
 */
export async function lookupSubject(db: Kysely<Database>, ctx: StaffContext, input: { identifier: string }) {
  const q = foldQuery(input.identifier)
  // A refusal is counted and audited as a refused search is: an officer trying names leaves a trace.
  const kind = await refusedSearchOnRecord(db, ctx, q, () => {
    const k = classifySearch(q)
    if (k !== 'name') return k
    throw because(
      'subject_identifier',
      badRequest('Add a subject by the identifier the legal process names: an email, phone number, customer id or order number.', {
        identifier: 'An email, phone number, customer id or order number',
      }),
    )
  })
  const { rows, total } = await searchCustomers(db, ctx, {
    filter: { q },
    sort: { field: 'id', order: 'asc' },
    offset: 0,
    limit: OFFERED,
  })
  const masked = maskIdentifier(kind, q)
  const at = ctx.now.getTime()
  // Eight or nine bare digits are searched as a phone number and as a customer id: each customer says which it matched.
  const matchedAs = (id: number): [SubjectKind, string] =>
    kind === 'phone' && /^\d+$/.test(q) && id === Number(q) ? ['id', maskIdentifier('id', q)] : [kind, masked]
  return {
    kind,
    masked,
    total,
    matches: rows.map((c) => {
      const [matchKind, matchMasked] = matchedAs(c.id)
      return {
        id: c.id,
        name: c.name,
        country: c.country,
        status: c.status,
        matchKind,
        matchMasked,
        /** other customers the same identifier matches: 0 for an email or customer id */
        others: total - 1,
        match: signMatch(ctx, { staffId: ctx.staff.id, customerId: c.id, kind: matchKind, masked: matchMasked, at }),
      }
    }),
  }
}

/** A subject as a request names them: a customer, with the match a lookup gave (or none: named by customer id). */
export interface SubjectInput {
  customerId: number
  match?: string
}
export interface ResolvedSubject {
  customerId: number
  kind: SubjectKind | null
  masked: string | null
  /** the lookup the match came from, which names a subject on this record only */
  ref: string | null
}

/** Names a lookup's match without keeping the token: a digest of its signature. */
const refOf = (token: string) => createHash('sha256').update(token.split('.')[1]!).digest('hex')

/**
 * The subjects to store, each with how they were matched: by a lookup's match, which must be this officer's, recent and
 * for this customer; a customer already on the record keeps the match it was added by; any other customer named by id
 * alone (the contract's `subjectIds`) is recorded as matched by customer id.
 */
export async function resolveSubjects(
  trx: Trx,
  ctx: StaffContext,
  input: { disclosureId?: number; subjects: SubjectInput[] },
): Promise<ResolvedSubject[]> {
  const kept = input.disclosureId
    ? await trx
        .selectFrom('disclosure_subjects')
        .select(['customer_id', 'match_kind', 'match_masked', 'match_ref'])
        .where('disclosure_id', '=', input.disclosureId)
        .execute()
    : []
  const byCustomer = new Map<number, ResolvedSubject>()
  input.subjects.forEach((s, i) => {
    const previous = byCustomer.get(s.customerId)
    if (s.match) {
      const m = readMatch(ctx, s.match)
      if (!m || m.staffId !== ctx.staff.id || m.customerId !== s.customerId || ctx.now.getTime() - m.at > MATCH_VALID_MS) {
        throw unprocessable('Look this subject up again by the identifier the legal process names.', {
          [`subjects.${i}.match`]: 'Look the identifier up again',
        })
      }
      byCustomer.set(s.customerId, { customerId: s.customerId, kind: m.kind, masked: m.masked, ref: refOf(s.match) })
      return
    }
    if (previous) return
    const onRecord = kept.find((k) => k.customer_id === s.customerId)
    byCustomer.set(
      s.customerId,
      onRecord
        ? {
            customerId: s.customerId,
            kind: onRecord.match_kind as SubjectKind | null,
            masked: onRecord.match_masked,
            ref: onRecord.match_ref,
          }
        : { customerId: s.customerId, kind: 'id', masked: maskIdentifier('id', String(s.customerId)), ref: null },
    )
  })
  const subjects = [...byCustomer.values()]
  // One lookup, one record: a match already naming a subject elsewhere is not taken again.
  const refs = subjects.flatMap((s) => (s.ref ? [s.ref] : []))
  if (refs.length) {
    let used = trx.selectFrom('disclosure_subjects').select('disclosure_id').where('match_ref', 'in', refs)
    if (input.disclosureId) used = used.where('disclosure_id', '!=', input.disclosureId)
    const elsewhere = await used.executeTakeFirst()
    if (elsewhere) {
      throw unprocessable(
        `This lookup already named a subject of disclosure #${elsewhere.disclosure_id}: look the identifier up again for this record.`,
        { subjects: 'Look the identifier up again' },
      )
    }
  }
  return subjects
}
