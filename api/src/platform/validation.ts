import type { ValidationTargets } from 'hono'
import { validator } from 'hono-openapi'
import type { StandardSchemaV1 } from '@standard-schema/spec'
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
 * a failure is a 400 naming each offending field.
 */
export function validate<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      throw badRequest(`Invalid ${WHERE[target]}.`, fieldErrors(result.error))
    }
  })
}
