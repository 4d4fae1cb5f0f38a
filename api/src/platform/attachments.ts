import { createHash } from 'node:crypto'
import { create as contentDisposition } from 'content-disposition'
import type { Context } from 'hono'
import { unprocessable } from './errors.js'

/** Files kept with a record (a subpoena, a letter of authority): 10 MiB at most, with their SHA-256. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
const MAX_FILENAME_CHARS = 200

/**
 * A file name as it is kept: any script, less what could break a header, a path or a display. Control characters
 * (NUL, C0, DEL, C1) and the bidirectional overrides that can disguise an extension go; separators and quotes become `_`.
 */
export function cleanFilename(name: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\/"]/g, '_')
    .trim()
  return Array.from(cleaned).slice(0, MAX_FILENAME_CHARS).join('').trim() || 'attachment'
}

export interface Upload {
  filename: string
  contentType: string
  content: Buffer
  sha256: string
}

/** The file of a multipart upload (field `file`), read whole and checked before any transaction opens. */
export async function readUpload(c: Context): Promise<Upload> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
  const file = body.file
  if (!(file instanceof File)) throw unprocessable('Send the file as multipart form data in a field named "file".', { file: 'Required' })
  if (file.size === 0) throw unprocessable('The file is empty.', { file: 'Empty file' })
  if (file.size > MAX_ATTACHMENT_BYTES) throw unprocessable('Files are limited to 10 MiB.', { file: 'Larger than 10 MiB' })
  const content = Buffer.from(await file.arrayBuffer())
  return {
    filename: cleanFilename(file.name),
    contentType: file.type || 'application/octet-stream',
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
  }
}

/**
 * `Content-Disposition` for a download (RFC 6266): an ASCII `filename` for old clients and, for any other script, the
 * UTF-8 `filename*` every current browser reads. Names kept before uploads were cleaned are cleaned again here.
 */
function attachmentDisposition(stored: string) {
  const name = cleanFilename(stored)
  if (/^[\x20-\x7e]*$/.test(name)) return contentDisposition(name)
  const ascii = name.replace(/[^\x20-\x7e]+/g, '_')
  const dot = ascii.lastIndexOf('.')
  const stem = dot > 0 ? ascii.slice(0, dot) : ascii
  return contentDisposition(name, { fallback: /[A-Za-z0-9]/.test(stem) ? ascii : `attachment${dot > 0 ? ascii.slice(dot) : ''}` })
}

/** Answers a kept file as a download with its name in any script and its SHA-256. */
export function sendAttachment(c: Context, file: { filename: string; content_type: string; content: Buffer; sha256: string }) {
  return c.body(new Uint8Array(file.content), 200, {
    'Content-Type': file.content_type,
    'Content-Disposition': attachmentDisposition(file.filename),
    'X-Content-SHA256': file.sha256,
  })
}
