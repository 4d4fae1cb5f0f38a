import {
  type Database,
  type Disclosure,
  type DisclosuresTable,
  type DisclosureStatus,
  type DisclosureType,
  lockForUpdate,
} from '@verity/db'
import type { Expression, ExpressionBuilder, Kysely, SqlBool, Updateable } from 'kysely'
import type { Upload } from '../../platform/attachments.js'
import { audit, type AuditAction, type AuditValue } from '../../platform/audit.js'
import type { RequestContext, StaffContext } from '../../platform/context.js'
import { conflict, forbidden, notFound, unprocessable } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { maskName } from '../../platform/masking.js'
import { requireFreshProof } from '../../platform/fresh-proof.js'
import { inTransaction, type Trx } from '../../platform/transaction.js'
import { AMENDABLE, type AmendedFields, type DisclosureSort, OPEN_STATUSES } from './disclosures.schemas.js'
import { resolveSubjects, type SubjectInput } from './disclosure-subjects.js'
import { placeHolds, releaseHolds } from './legal-holds.js'

const OPEN = [...OPEN_STATUSES]
const PRODUCED: DisclosureStatus[] = ['disclosed', 'partially_disclosed']
const isOpen = (status: DisclosureStatus) => (OPEN_STATUSES as readonly string[]).includes(status)
const inWords = (status: DisclosureStatus) => status.replace('_', ' ')

/** The columns that the API's field names (camelCase, the names the contract's inputs use) are kept in. */
const COLUMN_OF = {
  type: 'type',
  authority: 'authority',
  requestingOfficer: 'requesting_officer',
  jurisdiction: 'jurisdiction',
  legalBasis: 'legal_basis',
  caseNumber: 'case_number',
  receivedAt: 'received_at',
  dueAt: 'due_at',
  categoriesRequested: 'categories_requested',
  emergencyJustification: 'emergency_justification',
  nondisclosureUntil: 'nondisclosure_until',
  holdRequested: 'hold_requested',
} as const satisfies Record<string, keyof DisclosuresTable>
type EditableField = keyof typeof COLUMN_OF

const SORT_COLUMN = {
  id: 'id',
  receivedAt: 'received_at',
  dueAt: 'due_at',
  status: 'status',
  type: 'type',
} as const satisfies Record<DisclosureSort, keyof DisclosuresTable>

function toColumns(input: Partial<Record<EditableField, unknown>>): Updateable<DisclosuresTable> {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || !(field in COLUMN_OF)) continue
    out[COLUMN_OF[field as EditableField]] = Array.isArray(value)
      ? JSON.stringify(value)
      : typeof value === 'boolean'
        ? Number(value)
        : value
  }
  return out as Updateable<DisclosuresTable>
}

const jsonList = (text: string | null) => (text ? (JSON.parse(text) as string[]) : [])

/** The record as the API shows it: one camelCase name per field, the same names its inputs take. */
function present(row: Disclosure) {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    open: isOpen(row.status),
    authority: row.authority,
    requestingOfficer: row.requesting_officer,
    jurisdiction: row.jurisdiction,
    legalBasis: row.legal_basis,
    caseNumber: row.case_number,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    categoriesRequested: jsonList(row.categories_requested),
    categoriesProduced: jsonList(row.categories_produced),
    outcome: row.outcome,
    partial: row.partial === 1,
    emergencyJustification: row.emergency_justification,
    nondisclosureUntil: row.nondisclosure_until,
    holdRequested: row.hold_requested === 1,
    customerNotifiedAt: row.customer_notified_at,
    noticeNote: row.notice_note,
    statusNote: row.status_note,
    postReviewAt: row.post_review_at,
    postReviewBy: row.post_review_by,
    postReviewNote: row.post_review_note,
    createdBy: row.created_by,
    reviewedBy: row.reviewed_by,
    disclosedBy: row.disclosed_by,
    disclosedAt: row.disclosed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    loneOfficerRelease: row.lone_officer_release === 1,
  }
}
export type DisclosureView = ReturnType<typeof present> & { noticeDue: boolean }

/** Whether notice to the customer is due: data was produced, no non-disclosure order still runs, and none was recorded. */
function noticeDue(d: ReturnType<typeof present>, now: Date) {
  return PRODUCED.includes(d.status) && !gagged(d, now) && !d.customerNotifiedAt && !d.noticeNote
}
const gagged = (d: { nondisclosureUntil: string | null }, now: Date) =>
  d.nondisclosureUntil !== null && Date.parse(d.nondisclosureUntil) > now.getTime()

/**
 * Records as the API shows them, corrections applied over the original in the order they were made (an amendment's
 * changes use the record's own field names); the original stays in the table.
 */
export async function presentDisclosures(db: Kysely<Database>, rows: Disclosure[], now: Date): Promise<DisclosureView[]> {
  if (!rows.length) return []
  const amendments = await db
    .selectFrom('disclosure_amendments')
    .select(['disclosure_id', 'changes'])
    .where(
      'disclosure_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('id')
    .execute()
  return rows.map((row) => {
    const record = present(row)
    for (const a of amendments.filter((a) => a.disclosure_id === row.id)) {
      const changes = JSON.parse(a.changes) as AmendedFields
      for (const field of AMENDABLE) if (changes[field] !== undefined) Object.assign(record, { [field]: changes[field] })
    }
    return { ...record, noticeDue: noticeDue(record, now) }
  })
}

/** The record's row, locked until the transaction ends (PostgreSQL; SQLite's single writer already serialises). */
async function lockDisclosure(trx: Trx, id: number) {
  const row = await lockForUpdate(trx, trx.selectFrom('disclosures').selectAll().where('id', '=', id)).executeTakeFirst()
  if (!row) throw notFound('Disclosure')
  return row
}

async function assertCustomersExist(db: Kysely<Database>, ids: number[]) {
  const found = await db.selectFrom('customers').select('id').where('id', 'in', ids).execute()
  const missing = ids.filter((id) => !found.some((f) => f.id === id))
  if (missing.length) throw unprocessable(`No customer ${missing.join(', ')}.`, { subjectIds: `Unknown customer ${missing.join(', ')}` })
}

const needsHold = (type: DisclosureType, holdRequested: boolean) => type === 'preservation' || holdRequested

type Condition = (eb: ExpressionBuilder<Database, 'disclosures'>) => Expression<SqlBool>
const whenOpen: Condition = (eb) => eb('status', 'in', OPEN)

/**
 * Changes the record only while `condition` still holds, in the caller's transaction: the check the caller made on the
 * row it read is repeated by the write itself, and zero rows changed is a 409 with `refusal`.
 */
async function changeIf(
  trx: Trx,
  ctx: RequestContext,
  id: number,
  condition: Condition,
  set: Updateable<DisclosuresTable>,
  refusal: string,
) {
  const result = await trx
    .updateTable('disclosures')
    .set({ ...set, updated_at: ctx.now.toISOString() })
    .where('id', '=', id)
    .where(condition)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw conflict(refusal)
}

/** One workflow step: check, conditional change and audit entry in one transaction; answers the record as it now stands. */
function step(
  db: Kysely<Database>,
  ctx: StaffContext,
  id: number,
  decide: (
    row: Disclosure,
    trx: Trx,
  ) => Promise<{
    action: AuditAction
    condition: Condition
    set: Updateable<DisclosuresTable>
    refusal: string
    details?: Record<string, AuditValue>
  }>,
) {
  return inTransaction(db, async (trx) => {
    const row = await lockDisclosure(trx, id)
    const change = await decide(row, trx)
    await changeIf(trx, ctx, id, change.condition, change.set, change.refusal)
    await audit(trx, ctx, { action: change.action, entityType: 'disclosure', entityId: id, details: change.details })
    return getDisclosure(trx, ctx, { id })
  })
}

export interface DisclosureInput {
  type: DisclosureType
  authority: string
  requestingOfficer?: string | null
  jurisdiction: string
  legalBasis: string
  caseNumber: string
  receivedAt: string
  dueAt?: string | null
  categoriesRequested: string[]
  emergencyJustification?: string | null
  nondisclosureUntil?: string | null
  holdRequested: boolean
  /** the contract's first shape: customers named by id */
  subjectIds?: number[]
  /** customers as a lookup by identifier matched them */
  subjects?: SubjectInput[]
}

/** Every subject a request names, by either shape. */
const namedSubjects = (input: Pick<DisclosureInput, 'subjectIds' | 'subjects'>): SubjectInput[] => [
  ...(input.subjects ?? []),
  ...(input.subjectIds ?? []).map((customerId) => ({ customerId })),
]

/**
 * Stores the record's subjects (replacing any it had) with how each was matched, and answers them. Each customer newly
 * named is on the audit record under their own id, however the record was written (created or edited).
 */
async function storeSubjects(trx: Trx, ctx: StaffContext, id: number, named: SubjectInput[], replace: boolean) {
  const before = replace
    ? (await trx.selectFrom('disclosure_subjects').select('customer_id').where('disclosure_id', '=', id).execute()).map(
        (r) => r.customer_id,
      )
    : []
  const subjects = await resolveSubjects(trx, ctx, { disclosureId: replace ? id : undefined, subjects: named })
  await assertCustomersExist(
    trx,
    subjects.map((s) => s.customerId),
  )
  if (replace) await trx.deleteFrom('disclosure_subjects').where('disclosure_id', '=', id).execute()
  for (const s of subjects)
    await trx
      .insertInto('disclosure_subjects')
      .values({ disclosure_id: id, customer_id: s.customerId, match_kind: s.kind, match_masked: s.masked, match_ref: s.ref })
      .execute()
  for (const s of subjects.filter((s) => !before.includes(s.customerId))) {
    await audit(trx, ctx, {
      action: 'disclosure.subject',
      entityType: 'disclosure',
      entityId: id,
      customerId: s.customerId,
      details: { matched_by: s.kind },
    })
  }
  return { subjects, removed: before.filter((c) => !subjects.some((s) => s.customerId === c)) }
}

export async function createDisclosure(db: Kysely<Database>, ctx: StaffContext, input: DisclosureInput) {
  const at = ctx.now.toISOString()
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('disclosures')
      .values({
        type: input.type,
        status: 'received',
        authority: input.authority,
        requesting_officer: input.requestingOfficer ?? null,
        jurisdiction: input.jurisdiction,
        legal_basis: input.legalBasis,
        case_number: input.caseNumber,
        received_at: input.receivedAt,
        due_at: input.dueAt ?? null,
        categories_requested: JSON.stringify(input.categoriesRequested),
        categories_produced: null,
        outcome: null,
        partial: 0,
        emergency_justification: input.emergencyJustification ?? null,
        nondisclosure_until: input.nondisclosureUntil ?? null,
        customer_notified_at: null,
        notice_note: null,
        hold_requested: input.holdRequested ? 1 : 0,
        status_note: null,
        post_review_at: null,
        post_review_by: null,
        post_review_note: null,
        created_by: ctx.staff.id,
        reviewed_by: null,
        disclosed_by: null,
        disclosed_at: null,
        created_at: at,
        updated_at: at,
        closed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const named = namedSubjects(input)
    await audit(trx, ctx, {
      action: 'disclosure.create',
      entityType: 'disclosure',
      entityId: id,
      details: { type: input.type, subjects: new Set(named.map((s) => s.customerId)).size },
    })
    const { subjects } = await storeSubjects(trx, ctx, id, named, false)
    if (needsHold(input.type, input.holdRequested))
      await placeHolds(trx, ctx, { disclosureId: id, customerIds: subjects.map((s) => s.customerId) })
    return getDisclosure(trx, ctx, { id })
  })
}

const CLOSED_REFUSAL = 'This record is closed and cannot be changed. Add an amendment with the reason instead.'

/** Edits an open record; a closed one answers 409 and takes amendments instead, even when it closed a moment ago. */
export async function updateDisclosure(db: Kysely<Database>, ctx: StaffContext, input: { id: number } & Partial<DisclosureInput>) {
  const { id, subjectIds, subjects, ...fields } = input
  return inTransaction(db, async (trx) => {
    const row = await lockDisclosure(trx, id)
    if (!isOpen(row.status)) throw conflict(CLOSED_REFUSAL)
    const type = fields.type ?? row.type
    const justification = fields.emergencyJustification !== undefined ? fields.emergencyJustification : row.emergency_justification
    if (type === 'emergency' && !justification) {
      throw unprocessable('An emergency disclosure records why it could not wait for legal process.', {
        emergencyJustification: 'Required for emergencies',
      })
    }
    await changeIf(trx, ctx, id, whenOpen, toColumns(fields), CLOSED_REFUSAL)
    const stored = subjectIds || subjects ? await storeSubjects(trx, ctx, id, namedSubjects({ subjectIds, subjects }), true) : null
    await audit(trx, ctx, {
      action: 'disclosure.update',
      entityType: 'disclosure',
      entityId: id,
      details: {
        fields: Object.keys(input).filter((k) => k !== 'id'),
        ...(stored?.removed.length ? { subjects_removed: stored.removed } : {}),
      },
    })
    if (needsHold(type, fields.holdRequested ?? row.hold_requested === 1)) {
      const subjects = await trx.selectFrom('disclosure_subjects').select('customer_id').where('disclosure_id', '=', id).execute()
      await placeHolds(trx, ctx, { disclosureId: id, customerIds: subjects.map((s) => s.customer_id) })
    }
    return getDisclosure(trx, ctx, { id })
  })
}

/** received → under review, with who reviews it. */
export function startReview(db: Kysely<Database>, ctx: StaffContext, input: { id: number }) {
  return step(db, ctx, input.id, async (row) => {
    const refusal = `Only a received record can go under review; this one is ${inWords(row.status)}.`
    if (row.status !== 'received') throw conflict(refusal)
    return {
      action: 'disclosure.review',
      condition: (eb) => eb('status', '=', 'received'),
      set: { status: 'under_review', reviewed_by: ctx.staff.id },
      refusal,
    }
  })
}

const STATUS_FOR = { rejected: 'rejected', no_data: 'no_data', non_content: 'disclosed', content: 'disclosed' } as const
export interface CloseInput {
  outcome: keyof typeof STATUS_FOR
  categoriesProduced?: string[]
  partial?: boolean
  note?: string
}

/** Compliance officers other than this one whose accounts are enabled. */
async function otherOfficers(db: Kysely<Database>, staffId: number): Promise<number> {
  const others = await db
    .selectFrom('staff_users')
    .select('id')
    .where('role', '=', 'compliance')
    .where('status', '=', 'active')
    .where('id', '!=', staffId)
    .execute()
  return others.length
}

/**
 * Separation of duties (promise 8): whoever logged a record releases data under it only when no one else could.
 * Answers whether this officer may release data under it, and whether that would be a lone officer's release.
 */
async function mayRelease(db: Kysely<Database>, staffId: number, row: Disclosure) {
  const lone = row.created_by === staffId
  return { allowed: !lone || (await otherOfficers(db, staffId)) === 0, lone }
}

/** Why this officer may not give this record its later review now (null: they may). */
function postReviewRefusal(row: Disclosure, staffId: number): string | null {
  if (row.type !== 'emergency') return 'Only emergency disclosures take a later review.'
  if (isOpen(row.status)) return 'Close the record before its later review.'
  if (row.post_review_at) return 'This emergency disclosure was already reviewed.'
  if (row.created_by === staffId || row.disclosed_by === staffId)
    return 'The later review must be done by someone other than who filed or disclosed it.'
  return null
}

/** The steps a record offers (docs/design.md, Disclosures); `disclose` is closing with data produced. */
export const DISCLOSURE_ACTIONS = [
  'edit',
  'review',
  'close',
  'disclose',
  'withdraw',
  'amend',
  'attach',
  'notice',
  'post_review',
  'release_hold',
] as const
export type DisclosureAction = (typeof DISCLOSURE_ACTIONS)[number]

/** What this officer may do with the record now, by the same rules the steps enforce: the console offers nothing else. */
async function offeredActions(
  db: Kysely<Database>,
  ctx: RequestContext,
  row: Disclosure,
  state: { noticeDue: boolean; heldCustomers: number },
): Promise<DisclosureAction[]> {
  if (!ctx.staff) return []
  const staffId = ctx.staff.id
  const open = isOpen(row.status)
  const offered: Record<DisclosureAction, boolean> = {
    edit: open,
    review: row.status === 'received',
    close: open,
    disclose: open && (await mayRelease(db, staffId, row)).allowed,
    withdraw: open,
    amend: true,
    attach: open,
    notice: state.noticeDue,
    post_review: postReviewRefusal(row, staffId) === null,
    release_hold: state.heldCustomers > 0,
  }
  return DISCLOSURE_ACTIONS.filter((a) => offered[a])
}

/**
 * Closes an open record with its outcome; after this it can only be amended. Data is released by an officer other
 * than whoever logged the record, unless no other is active: then the release is marked as a lone officer's.
 */
export function closeDisclosure(db: Kysely<Database>, ctx: StaffContext, input: { id: number } & CloseInput) {
  const produced = input.outcome === 'content' || input.outcome === 'non_content'
  if (!produced && input.categoriesProduced?.length) {
    throw unprocessable('Nothing is produced with this outcome.', { categoriesProduced: 'Leave empty for this outcome' })
  }
  if (produced) requireFreshProof(ctx)
  const status: DisclosureStatus = produced && input.partial ? 'partially_disclosed' : STATUS_FOR[input.outcome]
  const at = ctx.now.toISOString()
  return step(db, ctx, input.id, async (row, trx) => {
    const refusal = `This record is already closed (${inWords(row.status)}).`
    if (!isOpen(row.status)) throw conflict(refusal)
    const release = produced ? await mayRelease(trx, ctx.staff.id, row) : { allowed: true, lone: false }
    if (!release.allowed) {
      throw forbidden('Another compliance officer releases data under a record you logged. Ask a colleague to close it.')
    }
    const lone = release.lone
    return {
      action: 'disclosure.close',
      details: { outcome: input.outcome, partial: !!input.partial, lone_officer_release: lone },
      condition: whenOpen,
      set: {
        status,
        outcome: input.outcome,
        partial: input.partial ? 1 : 0,
        categories_produced: JSON.stringify(produced ? (input.categoriesProduced ?? []) : []),
        status_note: input.note ?? null,
        reviewed_by: row.reviewed_by ?? ctx.staff.id,
        disclosed_by: produced ? ctx.staff.id : null,
        disclosed_at: produced ? at : null,
        closed_at: at,
        lone_officer_release: lone ? 1 : 0,
      },
      refusal: 'This record was closed by another request.',
    }
  })
}

export function withdrawDisclosure(db: Kysely<Database>, ctx: StaffContext, input: { id: number; note: string }) {
  return step(db, ctx, input.id, async (row) => {
    const refusal = `Only an open record can be withdrawn; this one is ${inWords(row.status)}.`
    if (!isOpen(row.status)) throw conflict(refusal)
    return {
      action: 'disclosure.withdraw',
      condition: whenOpen,
      set: { status: 'withdrawn', status_note: input.note, closed_at: ctx.now.toISOString() },
      refusal,
    }
  })
}

/** Records that the customer was told, or why not; once, and only when notice is due. */
export function recordNotice(db: Kysely<Database>, ctx: StaffContext, input: { id: number; given: boolean; note?: string }) {
  return step(db, ctx, input.id, async (row, trx) => {
    const [d] = await presentDisclosures(trx, [row], ctx.now)
    if (gagged(d!, ctx.now)) throw conflict('A non-disclosure order is in force until it ends: nothing may tell the customer yet.')
    const refusal =
      d!.customerNotifiedAt || d!.noticeNote ? 'Notice was already recorded on this record.' : 'No notice is due on this record.'
    if (!d!.noticeDue) throw conflict(refusal)
    return {
      action: input.given ? 'disclosure.notice_given' : 'disclosure.notice_withheld',
      condition: (eb) => eb.and([eb('status', 'in', PRODUCED), eb('customer_notified_at', 'is', null), eb('notice_note', 'is', null)]),
      set: { customer_notified_at: input.given ? ctx.now.toISOString() : null, notice_note: input.note ?? null },
      refusal: 'Notice was already recorded on this record.',
    }
  })
}

/** The review every emergency disclosure gets after the fact, by someone who neither filed nor disclosed it. */
export function recordPostReview(db: Kysely<Database>, ctx: StaffContext, input: { id: number; note: string }) {
  return step(db, ctx, input.id, async (row) => {
    const refusal = postReviewRefusal(row, ctx.staff.id)
    if (refusal) throw conflict(refusal)
    return {
      action: 'disclosure.post_review',
      condition: (eb) => eb.and([eb('post_review_at', 'is', null), eb('status', 'not in', OPEN)]),
      set: { post_review_at: ctx.now.toISOString(), post_review_by: ctx.staff.id, post_review_note: input.note },
      refusal: 'This emergency disclosure was already reviewed.',
    }
  })
}

/**
 * A correction, appended with who and why; the record shows the corrected values and keeps every amendment in order.
 * A correction that says data was produced is a release, and is held to closing's rules: fresh proof, and an officer
 * other than whoever logged the record where one is active.
 */
export async function amendDisclosure(
  db: Kysely<Database>,
  ctx: StaffContext,
  input: { id: number; reason: string; changes: AmendedFields },
) {
  const { outcome, categoriesProduced } = input.changes
  const releases = outcome === 'content' || outcome === 'non_content' || !!categoriesProduced?.length
  if (releases) requireFreshProof(ctx)
  return inTransaction(db, async (trx) => {
    // Locked so that amendments to one record are numbered in the order they are applied.
    const row = await lockDisclosure(trx, input.id)
    const release = releases ? await mayRelease(trx, ctx.staff.id, row) : null
    if (release && !release.allowed) {
      throw forbidden('Another compliance officer records a release under a record you logged. Ask a colleague to amend it.')
    }
    if (release?.lone) await trx.updateTable('disclosures').set({ lone_officer_release: 1 }).where('id', '=', input.id).execute()
    const { id: amendmentId } = await trx
      .insertInto('disclosure_amendments')
      .values({
        disclosure_id: input.id,
        staff_id: ctx.staff.id,
        reason: input.reason,
        changes: JSON.stringify(input.changes),
        created_at: ctx.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, ctx, {
      action: 'disclosure.amend',
      entityType: 'disclosure',
      entityId: input.id,
      details: { amendment: amendmentId, fields: Object.keys(input.changes) },
    })
    return getDisclosure(trx, ctx, { id: input.id })
  })
}

/** Releases the record's legal holds still in force: one release per held customer, however many ask at once. */
export function releaseDisclosureHolds(db: Kysely<Database>, ctx: StaffContext, input: { id: number; note: string }) {
  return inTransaction(db, async (trx) => {
    await lockDisclosure(trx, input.id)
    const released = await releaseHolds(trx, ctx, { disclosureId: input.id, reason: input.note })
    if (!released.length) throw conflict('This record holds no one: its holds were already released.')
    return getDisclosure(trx, ctx, { id: input.id })
  })
}

export interface DisclosureFilter {
  q?: string
  status?: DisclosureStatus
  type?: DisclosureType
  jurisdiction?: string
  customerId?: number
  queue?: 'open' | 'notice_due' | 'review_due' | 'holds'
  id?: number | number[]
}

export async function listDisclosures(db: Kysely<Database>, ctx: RequestContext, q: ListQuery<DisclosureSort, DisclosureFilter>) {
  let query = db.selectFrom('disclosures')
  const f = q.filter
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['case_number']), 'like', like), eb(eb.fn('lower', ['authority']), 'like', like)]))
  }
  if (f.status) query = query.where('status', '=', f.status)
  if (f.type) query = query.where('type', '=', f.type)
  if (f.jurisdiction) query = query.where('jurisdiction', '=', f.jurisdiction)
  if (f.id !== undefined) query = query.where('id', 'in', idList(f.id))
  if (f.customerId !== undefined) {
    query = query.where('id', 'in', db.selectFrom('disclosure_subjects').select('disclosure_id').where('customer_id', '=', f.customerId))
  }
  if (f.queue === 'open') query = query.where('status', 'in', OPEN)
  if (f.queue === 'review_due')
    query = query.where('type', '=', 'emergency').where('closed_at', 'is not', null).where('post_review_at', 'is', null)
  if (f.queue === 'holds')
    query = query.where('id', 'in', db.selectFrom('legal_holds').select('disclosure_id').where('released_at', 'is', null))
  if (f.queue === 'notice_due') {
    query = query
      .where('status', 'in', PRODUCED)
      .where('customer_notified_at', 'is', null)
      .where('notice_note', 'is', null)
      .where((eb) => eb.or([eb('nondisclosure_until', 'is', null), eb('nondisclosure_until', '<=', ctx.now.toISOString())]))
  }
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy(SORT_COLUMN[q.sort.field], q.sort.order).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows: await presentDisclosures(db, rows, ctx.now), total: Number(count.n) }
}

/** One record with its subjects (masked: the record says who, not their details), holds, amendments and attachment list. */
export async function getDisclosure(db: Kysely<Database>, ctx: RequestContext, input: { id: number }) {
  const { id } = input
  const row = await db.selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Disclosure')
  const staffIds = [row.created_by, row.reviewed_by, row.disclosed_by, row.post_review_by].filter((s) => s !== null)
  const [[d], subjects, holds, amendments, attachments, staff] = await Promise.all([
    presentDisclosures(db, [row], ctx.now),
    db
      .selectFrom('disclosure_subjects as s')
      .innerJoin('customers as c', 'c.id', 's.customer_id')
      .select(['c.id', 'c.first_name', 'c.last_name', 'c.country', 'c.status', 's.match_kind', 's.match_masked'])
      .where('s.disclosure_id', '=', id)
      .orderBy('c.id')
      .execute(),
    db
      .selectFrom('legal_holds')
      .select(['id', 'customer_id as customerId', 'placed_at as placedAt', 'released_at as releasedAt', 'release_reason as releaseReason'])
      .where('disclosure_id', '=', id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('disclosure_amendments as a')
      .innerJoin('staff_users as u', 'u.id', 'a.staff_id')
      .select(['a.id', 'a.reason', 'a.changes', 'a.created_at as createdAt', 'u.name as staffName'])
      .where('a.disclosure_id', '=', id)
      .orderBy('a.id')
      .execute(),
    db
      .selectFrom('disclosure_attachments')
      .select(['id', 'filename', 'content_type as contentType', 'size', 'sha256', 'created_at as createdAt'])
      .where('disclosure_id', '=', id)
      .orderBy('id')
      .execute(),
    db.selectFrom('staff_users').select(['id', 'name']).where('id', 'in', staffIds).execute(),
  ])
  const nameOf = (staffId: number | null) => (staffId === null ? null : (staff.find((s) => s.id === staffId)?.name ?? null))
  return {
    ...d!,
    createdByName: nameOf(d!.createdBy),
    reviewedByName: nameOf(d!.reviewedBy),
    disclosedByName: nameOf(d!.disclosedBy),
    postReviewByName: nameOf(d!.postReviewBy),
    subjectIds: subjects.map((s) => s.id),
    subjects: subjects.map((s) => ({
      id: s.id,
      name: maskName(s.first_name, s.last_name),
      country: s.country,
      status: s.status,
      /** how the legal process named them: email, phone, id or order_number (null: logged before this was kept) */
      matchKind: s.match_kind,
      matchMasked: s.match_masked,
    })),
    actions: await offeredActions(db, ctx, row, {
      noticeDue: d!.noticeDue,
      heldCustomers: holds.filter((h) => !h.releasedAt).length,
    }),
    holds,
    amendments: amendments.map((a) => ({ ...a, changes: JSON.parse(a.changes) as AmendedFields })),
    attachments,
  }
}

/** Keeps a file with an open record; the upload was read before, so the record is locked only for the check and the write. */
export async function addAttachment(db: Kysely<Database>, ctx: StaffContext, input: { id: number; upload: Upload }) {
  const { id } = input
  const { filename, contentType, content, sha256 } = input.upload
  const refusal = 'This record is closed; attach files to an amendment’s record instead of changing it.'
  return inTransaction(db, async (trx) => {
    const row = await lockDisclosure(trx, id)
    if (!isOpen(row.status)) throw conflict(refusal)
    // The attachment changes the record: stamping it, only while open, is the write that repeats the check.
    await changeIf(trx, ctx, id, whenOpen, {}, refusal)
    const { id: attachmentId } = await trx
      .insertInto('disclosure_attachments')
      .values({
        disclosure_id: id,
        filename,
        content_type: contentType,
        size: content.length,
        sha256,
        content,
        uploaded_by: ctx.staff.id,
        created_at: ctx.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, ctx, {
      action: 'disclosure.attach',
      entityType: 'disclosure',
      entityId: id,
      details: { attachment: attachmentId, sha256 },
    })
    return { id: attachmentId, filename, size: content.length, sha256 }
  })
}

export function readAttachment(db: Kysely<Database>, ctx: StaffContext, input: { id: number; attachmentId: number }) {
  return inTransaction(db, async (trx) => {
    const file = await trx
      .selectFrom('disclosure_attachments')
      .selectAll()
      .where('id', '=', input.attachmentId)
      .where('disclosure_id', '=', input.id)
      .executeTakeFirst()
    if (!file) throw notFound('Attachment')
    await audit(trx, ctx, {
      action: 'disclosure.attachment_download',
      entityType: 'disclosure',
      entityId: input.id,
      details: { attachment: input.attachmentId },
    })
    return file
  })
}
