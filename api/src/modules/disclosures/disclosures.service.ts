import { createHash } from 'node:crypto'
import type { Database, Disclosure, DisclosuresTable, DisclosureStatus, DisclosureType } from '@verity/db'
import type { Kysely, Updateable } from 'kysely'
import { appendAudit, type AuditValue } from '../../platform/audit.js'
import type { SignedInStaff } from '../../platform/context.js'
import { conflict, notFound, unprocessable } from '../../platform/errors.js'
import { idList, type ListQuery } from '../../platform/list.js'
import { maskName } from '../../platform/masking.js'
import { OPEN_STATUSES } from './disclosures.schemas.js'

interface Meta {
  ip: string | null
  now: Date
}
const actorOf = (staff: SignedInStaff) => ({ id: staff.id, role: staff.role })
const isOpen = (status: DisclosureStatus) => (OPEN_STATUSES as readonly string[]).includes(status)

/** API field names (camelCase, as DESIGN.md's contract has them) and the columns they are kept in. */
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
  categoriesProduced: 'categories_produced',
  emergencyJustification: 'emergency_justification',
  nondisclosureUntil: 'nondisclosure_until',
  holdRequested: 'hold_requested',
  outcome: 'outcome',
} as const
type Field = keyof typeof COLUMN_OF

function toColumns(input: Partial<Record<Field, unknown>>) {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || !(field in COLUMN_OF)) continue
    const column = COLUMN_OF[field as Field]
    out[column] = Array.isArray(value) ? JSON.stringify(value) : typeof value === 'boolean' ? Number(value) : value
  }
  return out
}

/** The record as stored, with its JSON and 0/1 columns read back. */
function present(row: Disclosure) {
  return {
    ...row,
    categories_requested: row.categories_requested ? (JSON.parse(row.categories_requested) as string[]) : [],
    categories_produced: row.categories_produced ? (JSON.parse(row.categories_produced) as string[]) : [],
    partial: row.partial === 1,
    hold_requested: row.hold_requested === 1,
    open: isOpen(row.status),
  }
}

/** Corrections apply over the original in the order they were made; the original stays on the record. */
async function withAmendments(db: Kysely<Database>, rows: Disclosure[]) {
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
    const corrected = { ...row } as Record<string, unknown>
    for (const a of amendments.filter((a) => a.disclosure_id === row.id)) Object.assign(corrected, toColumns(JSON.parse(a.changes)))
    return present(corrected as Disclosure)
  })
}

async function loadDisclosure(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Disclosure')
  return row
}

async function assertCustomersExist(db: Kysely<Database>, ids: number[]) {
  const found = await db.selectFrom('customers').select('id').where('id', 'in', ids).execute()
  const missing = ids.filter((id) => !found.some((f) => f.id === id))
  if (missing.length) throw unprocessable(`No customer ${missing.join(', ')}.`, { subjectIds: `Unknown customer ${missing.join(', ')}` })
}

async function placeHolds(trx: Kysely<Database>, disclosureId: number, customerIds: number[], staff: SignedInStaff, meta: Meta) {
  for (const customerId of customerIds) {
    const held = await trx
      .selectFrom('legal_holds')
      .select('id')
      .where('disclosure_id', '=', disclosureId)
      .where('customer_id', '=', customerId)
      .where('released_at', 'is', null)
      .executeTakeFirst()
    if (held) continue
    await trx
      .insertInto('legal_holds')
      .values({
        disclosure_id: disclosureId,
        customer_id: customerId,
        placed_at: meta.now.toISOString(),
        placed_by: staff.id,
        released_at: null,
        released_by: null,
        release_reason: null,
      })
      .execute()
    await appendAudit(
      trx,
      { actor: actorOf(staff), action: 'legal_hold.place', entityType: 'disclosure', entityId: disclosureId, customerId, ip: meta.ip },
      meta.now,
    )
  }
}

const needsHold = (type: DisclosureType, holdRequested: boolean) => type === 'preservation' || holdRequested

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
  subjectIds: number[]
}

export async function createDisclosure(db: Kysely<Database>, staff: SignedInStaff, input: DisclosureInput, meta: Meta) {
  const subjects = [...new Set(input.subjectIds)]
  await assertCustomersExist(db, subjects)
  const at = meta.now.toISOString()
  const id = await db.transaction().execute(async (trx) => {
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
        created_by: staff.id,
        reviewed_by: null,
        disclosed_by: null,
        disclosed_at: null,
        created_at: at,
        updated_at: at,
        closed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const customerId of subjects)
      await trx.insertInto('disclosure_subjects').values({ disclosure_id: id, customer_id: customerId }).execute()
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'disclosure.create',
        entityType: 'disclosure',
        entityId: id,
        ip: meta.ip,
        details: { type: input.type, subjects: subjects.length },
      },
      meta.now,
    )
    for (const customerId of subjects) {
      await appendAudit(
        trx,
        { actor: actorOf(staff), action: 'disclosure.subject', entityType: 'disclosure', entityId: id, customerId, ip: meta.ip },
        meta.now,
      )
    }
    if (needsHold(input.type, input.holdRequested)) await placeHolds(trx, id, subjects, staff, meta)
    return id
  })
  return getDisclosure(db, id, meta.now)
}

/** Edits an open record; a closed one answers 409 and takes amendments instead. */
export async function updateDisclosure(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  input: Partial<DisclosureInput>,
  meta: Meta,
) {
  const row = await loadDisclosure(db, id)
  if (!isOpen(row.status)) throw conflict('This record is closed and cannot be changed. Add an amendment with the reason instead.')
  if (input.subjectIds) await assertCustomersExist(db, input.subjectIds)
  const type = input.type ?? row.type
  const justification = input.emergencyJustification !== undefined ? input.emergencyJustification : row.emergency_justification
  if (type === 'emergency' && !justification) {
    throw unprocessable('An emergency disclosure records why it could not wait for legal process.', {
      emergencyJustification: 'Required for emergencies',
    })
  }
  const { subjectIds, ...fields } = input
  await db.transaction().execute(async (trx) => {
    const columns = toColumns(fields)
    await trx
      .updateTable('disclosures')
      .set({ ...columns, updated_at: meta.now.toISOString() })
      .where('id', '=', id)
      .execute()
    if (subjectIds) {
      await trx.deleteFrom('disclosure_subjects').where('disclosure_id', '=', id).execute()
      for (const customerId of new Set(subjectIds))
        await trx.insertInto('disclosure_subjects').values({ disclosure_id: id, customer_id: customerId }).execute()
    }
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'disclosure.update',
        entityType: 'disclosure',
        entityId: id,
        ip: meta.ip,
        details: { fields: Object.keys(input) },
      },
      meta.now,
    )
    const holdRequested = input.holdRequested ?? row.hold_requested === 1
    if (needsHold(type, holdRequested)) {
      const subjects = (await trx.selectFrom('disclosure_subjects').select('customer_id').where('disclosure_id', '=', id).execute()).map(
        (s) => s.customer_id,
      )
      await placeHolds(trx, id, subjects, staff, meta)
    }
  })
  return getDisclosure(db, id, meta.now)
}

/** One workflow step: the record's change and its audit entry in one transaction; answers the record as it now stands. */
async function recordStep(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  meta: Meta,
  step: { action: string; set: Updateable<DisclosuresTable>; details?: Record<string, AuditValue> },
) {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('disclosures')
      .set({ ...step.set, updated_at: meta.now.toISOString() })
      .where('id', '=', id)
      .execute()
    await appendAudit(
      trx,
      { actor: actorOf(staff), action: step.action, entityType: 'disclosure', entityId: id, ip: meta.ip, details: step.details },
      meta.now,
    )
  })
  return getDisclosure(db, id, meta.now)
}

/** received → under review, with who reviews it. */
export async function startReview(db: Kysely<Database>, staff: SignedInStaff, id: number, meta: Meta) {
  const row = await loadDisclosure(db, id)
  if (row.status !== 'received') throw conflict(`Only a received record can go under review; this one is ${row.status.replace('_', ' ')}.`)
  return recordStep(db, staff, id, meta, { action: 'disclosure.review', set: { status: 'under_review', reviewed_by: staff.id } })
}

const STATUS_FOR = { rejected: 'rejected', no_data: 'no_data', non_content: 'disclosed', content: 'disclosed' } as const

/** Closes an open record with its outcome; after this it can only be amended. */
export async function closeDisclosure(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  input: { outcome: keyof typeof STATUS_FOR; categoriesProduced?: string[]; partial?: boolean; note?: string },
  meta: Meta,
) {
  const row = await loadDisclosure(db, id)
  if (!isOpen(row.status)) throw conflict(`This record is already closed (${row.status.replace('_', ' ')}).`)
  const produced = input.outcome === 'content' || input.outcome === 'non_content'
  if (!produced && input.categoriesProduced?.length) {
    throw unprocessable('Nothing is produced with this outcome.', { categoriesProduced: 'Leave empty for this outcome' })
  }
  const status: DisclosureStatus = produced && input.partial ? 'partially_disclosed' : STATUS_FOR[input.outcome]
  const at = meta.now.toISOString()
  return recordStep(db, staff, id, meta, {
    action: 'disclosure.close',
    details: { outcome: input.outcome, partial: !!input.partial },
    set: {
      status,
      outcome: input.outcome,
      partial: input.partial ? 1 : 0,
      categories_produced: JSON.stringify(produced ? (input.categoriesProduced ?? []) : []),
      status_note: input.note ?? null,
      reviewed_by: row.reviewed_by ?? staff.id,
      disclosed_by: produced ? staff.id : null,
      disclosed_at: produced ? at : null,
      closed_at: at,
    },
  })
}

export async function withdrawDisclosure(db: Kysely<Database>, staff: SignedInStaff, id: number, note: string, meta: Meta) {
  const row = await loadDisclosure(db, id)
  if (!isOpen(row.status)) throw conflict('Only an open record can be withdrawn.')
  return recordStep(db, staff, id, meta, {
    action: 'disclosure.withdraw',
    set: { status: 'withdrawn', status_note: note, closed_at: meta.now.toISOString() },
  })
}

/** A correction, appended with who and why; the record shows the corrected values and keeps every amendment in order. */
export async function amendDisclosure(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  input: { reason: string; changes: Record<string, unknown> },
  meta: Meta,
) {
  await loadDisclosure(db, id)
  if (Array.isArray(input.changes.subjectIds)) await assertCustomersExist(db, input.changes.subjectIds as number[])
  await db.transaction().execute(async (trx) => {
    const { id: amendmentId } = await trx
      .insertInto('disclosure_amendments')
      .values({
        disclosure_id: id,
        staff_id: staff.id,
        reason: input.reason,
        changes: JSON.stringify(input.changes),
        created_at: meta.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'disclosure.amend',
        entityType: 'disclosure',
        entityId: id,
        ip: meta.ip,
        details: { amendment: amendmentId, fields: Object.keys(input.changes) },
      },
      meta.now,
    )
  })
  return getDisclosure(db, id, meta.now)
}

export async function releaseHolds(db: Kysely<Database>, staff: SignedInStaff, id: number, reason: string, meta: Meta) {
  await loadDisclosure(db, id)
  const holds = await db
    .selectFrom('legal_holds')
    .select(['id', 'customer_id'])
    .where('disclosure_id', '=', id)
    .where('released_at', 'is', null)
    .execute()
  if (!holds.length) throw conflict('This record holds no one.')
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('legal_holds')
      .set({ released_at: meta.now.toISOString(), released_by: staff.id, release_reason: reason })
      .where('disclosure_id', '=', id)
      .where('released_at', 'is', null)
      .execute()
    for (const h of holds) {
      await appendAudit(
        trx,
        {
          actor: actorOf(staff),
          action: 'legal_hold.release',
          entityType: 'disclosure',
          entityId: id,
          customerId: h.customer_id,
          ip: meta.ip,
        },
        meta.now,
      )
    }
  })
  return getDisclosure(db, id, meta.now)
}

/** Whether notice to the customer is due: data was produced, the record is closed and no non-disclosure order still runs. */
function noticeDue(d: ReturnType<typeof present>, now: Date) {
  const produced = d.status === 'disclosed' || d.status === 'partially_disclosed'
  const gagged = d.nondisclosure_until !== null && Date.parse(d.nondisclosure_until) > now.getTime()
  return produced && !gagged && !d.customer_notified_at && !d.notice_note
}

export async function recordNotice(
  db: Kysely<Database>,
  staff: SignedInStaff,
  id: number,
  input: { given: boolean; note?: string },
  meta: Meta,
) {
  const [d] = await withAmendments(db, [await loadDisclosure(db, id)])
  if (d!.nondisclosure_until && Date.parse(d!.nondisclosure_until) > meta.now.getTime()) {
    throw conflict('A non-disclosure order is in force until it ends: nothing may tell the customer yet.')
  }
  if (!noticeDue(d!, meta.now)) throw conflict('No notice is due on this record.')
  return recordStep(db, staff, id, meta, {
    action: input.given ? 'disclosure.notice_given' : 'disclosure.notice_withheld',
    set: { customer_notified_at: input.given ? meta.now.toISOString() : null, notice_note: input.note ?? null },
  })
}

/** The review every emergency disclosure gets after the fact. */
export async function recordPostReview(db: Kysely<Database>, staff: SignedInStaff, id: number, note: string, meta: Meta) {
  const row = await loadDisclosure(db, id)
  if (row.type !== 'emergency') throw conflict('Only emergency disclosures take a later review.')
  if (isOpen(row.status)) throw conflict('Close the record before its later review.')
  if (row.post_review_at) throw conflict('This emergency disclosure was already reviewed.')
  if (row.created_by === staff.id || row.disclosed_by === staff.id)
    throw conflict('The later review must be done by someone other than who filed or disclosed it.')
  return recordStep(db, staff, id, meta, {
    action: 'disclosure.post_review',
    set: { post_review_at: meta.now.toISOString(), post_review_by: staff.id, post_review_note: note },
  })
}

export type DisclosureSort = 'id' | 'received_at' | 'due_at' | 'status' | 'type'
export interface DisclosureFilter {
  q?: string
  status?: DisclosureStatus
  type?: DisclosureType
  jurisdiction?: string
  customer_id?: number
  queue?: 'open' | 'notice_due' | 'review_due' | 'holds'
  id?: number | number[]
}

export async function listDisclosures(db: Kysely<Database>, q: ListQuery<DisclosureSort, DisclosureFilter>, now: Date) {
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
  if (f.customer_id !== undefined) {
    query = query.where('id', 'in', db.selectFrom('disclosure_subjects').select('disclosure_id').where('customer_id', '=', f.customer_id))
  }
  if (f.queue === 'open') query = query.where('status', 'in', [...OPEN_STATUSES])
  if (f.queue === 'review_due')
    query = query.where('type', '=', 'emergency').where('closed_at', 'is not', null).where('post_review_at', 'is', null)
  if (f.queue === 'holds')
    query = query.where('id', 'in', db.selectFrom('legal_holds').select('disclosure_id').where('released_at', 'is', null))
  if (f.queue === 'notice_due') {
    query = query
      .where('status', 'in', ['disclosed', 'partially_disclosed'])
      .where('customer_notified_at', 'is', null)
      .where('notice_note', 'is', null)
      .where((eb) => eb.or([eb('nondisclosure_until', 'is', null), eb('nondisclosure_until', '<=', now.toISOString())]))
  }
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy(q.sort.field, q.sort.order).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const presented = await withAmendments(db, rows)
  return { rows: presented.map((d) => ({ ...d, notice_due: noticeDue(d, now) })), total: Number(count.n) }
}

/** One record with its subjects (masked: the record says who, not their details), holds, amendments and attachment list. */
export async function getDisclosure(db: Kysely<Database>, id: number, now: Date = new Date()) {
  const [d] = await withAmendments(db, [await loadDisclosure(db, id)])
  const [subjects, holds, amendments, attachments, staff] = await Promise.all([
    db
      .selectFrom('disclosure_subjects as s')
      .innerJoin('customers as c', 'c.id', 's.customer_id')
      .select(['c.id', 'c.first_name', 'c.last_name', 'c.country', 'c.status'])
      .where('s.disclosure_id', '=', id)
      .orderBy('c.id')
      .execute(),
    db
      .selectFrom('legal_holds')
      .select(['id', 'customer_id', 'placed_at', 'released_at', 'release_reason'])
      .where('disclosure_id', '=', id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('disclosure_amendments as a')
      .innerJoin('staff_users as u', 'u.id', 'a.staff_id')
      .select(['a.id', 'a.reason', 'a.changes', 'a.created_at', 'u.name as staff_name'])
      .where('a.disclosure_id', '=', id)
      .orderBy('a.id')
      .execute(),
    db
      .selectFrom('disclosure_attachments')
      .select(['id', 'filename', 'content_type', 'size', 'sha256', 'created_at'])
      .where('disclosure_id', '=', id)
      .orderBy('id')
      .execute(),
    db.selectFrom('staff_users').select(['id', 'name']).execute(),
  ])
  const nameOf = (staffId: number | null) => (staffId === null ? null : (staff.find((s) => s.id === staffId)?.name ?? null))
  return {
    ...d!,
    notice_due: noticeDue(d!, now),
    created_by_name: nameOf(d!.created_by),
    reviewed_by_name: nameOf(d!.reviewed_by),
    disclosed_by_name: nameOf(d!.disclosed_by),
    post_review_by_name: nameOf(d!.post_review_by),
    subject_ids: subjects.map((s) => s.id),
    subjects: subjects.map((s) => ({ id: s.id, name: maskName(s.first_name, s.last_name), country: s.country, status: s.status })),
    holds,
    amendments: amendments.map((a) => ({ ...a, changes: JSON.parse(a.changes) as Record<string, unknown> })),
    attachments,
  }
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

export async function addAttachment(db: Kysely<Database>, staff: SignedInStaff, id: number, file: File, meta: Meta) {
  const row = await loadDisclosure(db, id)
  if (!isOpen(row.status)) throw conflict('This record is closed; attach files to an amendment’s record instead of changing it.')
  if (file.size === 0) throw unprocessable('The file is empty.', { file: 'Empty file' })
  if (file.size > MAX_ATTACHMENT_BYTES) throw unprocessable('Files are limited to 10 MiB.', { file: 'Larger than 10 MiB' })
  const content = Buffer.from(await file.arrayBuffer())
  const sha256 = createHash('sha256').update(content).digest('hex')
  const filename = file.name.replace(/[\\/\r\n"]/g, '_').slice(0, 200) || 'attachment'
  return db.transaction().execute(async (trx) => {
    const { id: attachmentId } = await trx
      .insertInto('disclosure_attachments')
      .values({
        disclosure_id: id,
        filename,
        content_type: file.type || 'application/octet-stream',
        size: content.length,
        sha256,
        content,
        uploaded_by: staff.id,
        created_at: meta.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'disclosure.attach',
        entityType: 'disclosure',
        entityId: id,
        ip: meta.ip,
        details: { attachment: attachmentId, sha256 },
      },
      meta.now,
    )
    return { id: attachmentId, filename, size: content.length, sha256 }
  })
}

export async function readAttachment(db: Kysely<Database>, staff: SignedInStaff, id: number, attachmentId: number, meta: Meta) {
  const file = await db
    .selectFrom('disclosure_attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('disclosure_id', '=', id)
    .executeTakeFirst()
  if (!file) throw notFound('Attachment')
  await db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        actor: actorOf(staff),
        action: 'disclosure.attachment_download',
        entityType: 'disclosure',
        entityId: id,
        ip: meta.ip,
        details: { attachment: attachmentId },
      },
      meta.now,
    ),
  )
  return file
}
