import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import type { Upload } from '../../platform/attachments.js'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { notFound } from '../../platform/errors.js'
import { inTransaction } from '../../platform/transaction.js'
import { getRequest, pendingRequest } from './requests.service.js'

/**
 * Keeps a file with a pending request: the letter it came in, or an authorised agent's written permission. Whoever may
 * see the request may attach to it while it is pending.
 */
export async function attachToRequest(db: Kysely<Database>, ctx: StaffContext, id: number, upload: Upload) {
  return inTransaction(db, async (trx) => {
    const r = await pendingRequest(trx, ctx, id)
    const { id: attachmentId } = await trx
      .insertInto('request_attachments')
      .values({
        request_id: id,
        filename: upload.filename,
        content_type: upload.contentType,
        size: upload.content.length,
        sha256: upload.sha256,
        content: upload.content,
        uploaded_by: ctx.staff.id,
        created_at: ctx.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, ctx, {
      action: 'request.attach',
      entityType: 'request',
      entityId: id,
      customerId: r.customer_id,
      details: { attachment: attachmentId, sha256: upload.sha256 },
    })
    return { id: attachmentId, filename: upload.filename, size: upload.content.length, sha256: upload.sha256 }
  })
}

/** A file kept with a request, for whoever may see the request; every download is on the record. */
export async function readRequestAttachment(db: Kysely<Database>, ctx: StaffContext, id: number, attachmentId: number) {
  const request = await getRequest(db, ctx, id)
  return inTransaction(db, async (trx) => {
    const file = await trx
      .selectFrom('request_attachments')
      .selectAll()
      .where('id', '=', attachmentId)
      .where('request_id', '=', id)
      .executeTakeFirst()
    if (!file) throw notFound('Attachment')
    await audit(trx, ctx, {
      action: 'request.attachment_download',
      entityType: 'request',
      entityId: id,
      customerId: request.customer_id,
      details: { attachment: attachmentId },
    })
    return file
  })
}
