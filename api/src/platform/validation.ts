import type { ValidationTargets } from 'hono'
import { validator } from 'hono-openapi'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { z } from 'zod'
import { badRequest, type FieldErrors } from './errors.js'

/** Issues as a field → message map (the first message per field), for forms to show beside each input. */
export function fieldErrors(issues: readonly StandardSchemaV1.Issue[]): FieldErrors {
  const fields: FieldErrors = {}
  for (const issue of issues) {
    const path = (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? p.key : p))
    // zod reports unknown keys as one issue on the object: name each key instead.
    const unknownKeys = 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : null
    if (unknownKeys) for (const k of unknownKeys) fields[[...path, k].join('.')] ??= 'Unknown field'
    else fields[path.join('.') || '_'] ??= issue.message
  }
  return fields
}

const WHERE: Record<keyof ValidationTargets, string> = {
  json: 'request body',
  query: 'query',
  param: 'path',
  header: 'headers',
  cookie: 'cookies',
  form: 'form',
}

/**
 * Validates one part of the request with a zod schema (which also documents it in the OpenAPI document);
 * a failure is a 400 naming each offending field. What passes is also refused with a NUL in any text (nulFields).
 */
export function validate<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      throw badRequest(`Invalid ${WHERE[target]}.`, fieldErrors(result.error))
    }
    const nul = nulFields(result.data)
    if (nul) throw badRequest(`Invalid ${WHERE[target]}.`, nul)
  })
}

export const NUL_MESSAGE = 'Text cannot contain the NUL character (U+0000)'

/**
 * The fields of a validated value whose text holds U+0000, or null when none does. PostgreSQL's text cannot hold it
 * (it refuses the whole statement, SQLSTATE 22021) while SQLite keeps it, so every request that passes its schema is
 * checked here, at the edge, and refused alike on both: before anything is read or written, with the field named.
 * Object keys count as text too. The walk is iterative: a value may be nested as deep as JSON.parse allows.
 */
export function nulFields(value: unknown): FieldErrors | null {
  let fields: FieldErrors | null = null
  const stack: [unknown, (string | number)[]][] = [[value, []]]
  while (stack.length) {
    const [v, path] = stack.pop()!
    if (typeof v === 'string') {
      if (v.includes('\u0000')) (fields ??= {})[path.join('.') || '_'] ??= NUL_MESSAGE
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]])
    } else if (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
      for (const [k, child] of Object.entries(v).reverse()) {
        if (k.includes('\u0000')) (fields ??= {})[[...path, k].join('.')] ??= NUL_MESSAGE
        stack.push([child, [...path, k]])
      }
    }
  }
  return fields
}

/**
 * The largest id a record has: ids are `integer` columns, 32 bits on PostgreSQL, which refuses to compare a larger
 * number with one (SQLSTATE 22003) where SQLite finds no row. Larger ids are refused at the edge on both.
 */
export const MAX_ID = 2_147_483_647
export const ID_MESSAGE = `An id is a whole number from 1 to ${MAX_ID}`
/** A record's id as JSON gives it. */
export const idNumber = z.number().int(ID_MESSAGE).positive(ID_MESSAGE).max(MAX_ID, ID_MESSAGE)
/** A record's id as a path, a query or a body gives it: a number, or a string of one. */
export const recordId = z.coerce.number().int(ID_MESSAGE).positive(ID_MESSAGE).max(MAX_ID, ID_MESSAGE)

/**
 * Days and instants as a request gives them, held to the years 0001–9999 in UTC: the years ISO 8601 writes in four
 * digits, which Date.toISOString writes and both databases read alike. PostgreSQL has no year 0 (SQLSTATE 22008) and
 * cannot read the +010000 JavaScript writes for the year 10000; SQLite would keep either and compare them out of order as
 * text. An instant's offset counts: 0001-01-01T00:00+14:00 is still in the year 0 in UTC.
 */
export const FIRST_DAY = '0001-01-01'
export const LAST_DAY = '9999-12-31'
export const CALENDAR_MESSAGE = `A date from ${FIRST_DAY} to ${LAST_DAY}`
const inCalendar = (v: string) => {
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00.000Z` : v)
  return t >= Date.parse(`${FIRST_DAY}T00:00:00.000Z`) && t <= Date.parse(`${LAST_DAY}T23:59:59.999Z`)
}
/** A day, YYYY-MM-DD. */
export const isoDay = (message?: string) => z.iso.date(message).refine(inCalendar, CALENDAR_MESSAGE)
/** A day, or an instant with its offset (Z or ±hh:mm). */
export const isoDayOrInstant = (message?: string) =>
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], message).refine(inCalendar, CALENDAR_MESSAGE)
