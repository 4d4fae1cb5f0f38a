import type { Context } from 'hono'
import { z } from 'zod'
import { badRequest } from './errors.js'
import { fieldErrors, nulFields, recordId } from './validation.js'

/** The ra-data-simple-rest list protocol: `sort`, `range` and `filter` as JSON query parameters. */
export const MAX_PAGE_SIZE = 500

export interface ListSpec<S extends string, F extends z.ZodType> {
  sortable: readonly S[]
  defaultSort: readonly [S, 'ASC' | 'DESC']
  /** a strict object schema: unknown filter fields are refused, not ignored */
  filter: F
}

export interface ListQuery<S extends string, F> {
  sort: { field: S; order: 'asc' | 'desc' }
  offset: number
  limit: number
  filter: F
}

/** Query parameters the list routes accept; OpenAPI documents these. */
export const listQuerySchema = z.object({
  sort: z.string().optional().describe('JSON ["field", "ASC"|"DESC"]'),
  range: z.string().optional().describe(`JSON [start, end], inclusive, at most ${MAX_PAGE_SIZE} rows`),
  filter: z.string().optional().describe('JSON object of filters'),
})

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest(`The ${name} parameter is not valid JSON.`, { [name]: 'Not valid JSON' })
  }
}

const RANGE = z
  .tuple([z.number().int().min(0).max(1e9), z.number().int().min(0).max(1e9)])
  .refine(([start, end]) => end >= start && end - start < MAX_PAGE_SIZE)

/** Each list's sort schema, made once: building a schema costs more than checking a value with it, on every request. */
const sortSchemas = new WeakMap<readonly string[], z.ZodType<[string, string]>>()
function sortSchema<S extends string>(sortable: readonly S[]): z.ZodType<[S, 'ASC' | 'DESC' | 'asc' | 'desc']> {
  let schema = sortSchemas.get(sortable)
  if (!schema) {
    schema = z.tuple([z.enum(sortable as [S, ...S[]]), z.enum(['ASC', 'DESC', 'asc', 'desc'])])
    sortSchemas.set(sortable, schema)
  }
  return schema as z.ZodType<[S, 'ASC' | 'DESC' | 'asc' | 'desc']>
}

export function parseListQuery<S extends string, F extends z.ZodType>(
  query: Record<string, string | undefined>,
  spec: ListSpec<S, F>,
): ListQuery<S, z.output<F>> {
  const [defaultField, defaultOrder] = spec.defaultSort
  let sort = { field: defaultField, order: defaultOrder.toLowerCase() as 'asc' | 'desc' }
  if (query.sort) {
    const parsed = sortSchema(spec.sortable).safeParse(parseJson('sort', query.sort))
    if (!parsed.success) {
      throw badRequest(`sort must be ["field", "ASC"|"DESC"] with field one of: ${spec.sortable.join(', ')}.`, {
        sort: 'Unsupported sort',
      })
    }
    sort = { field: parsed.data[0], order: parsed.data[1].toLowerCase() as 'asc' | 'desc' }
  }

  let offset = 0
  let limit = 25
  if (query.range) {
    const parsed = RANGE.safeParse(parseJson('range', query.range))
    if (!parsed.success) {
      throw badRequest(`range must be [start, end] with 0 ≤ start ≤ end and at most ${MAX_PAGE_SIZE} rows.`, {
        range: 'Unsupported range',
      })
    }
    offset = parsed.data[0]
    limit = parsed.data[1] - parsed.data[0] + 1
  }

  const filterInput = query.filter ? parseJson('filter', query.filter) : {}
  const filter = spec.filter.safeParse(filterInput)
  if (!filter.success) {
    throw badRequest('Unsupported filter.', prefixed('filter', fieldErrors(filter.error.issues)))
  }
  const nul = nulFields(filter.data)
  if (nul) throw badRequest('Unsupported filter.', prefixed('filter', nul))
  return { sort, offset, limit, filter: filter.data }
}

function prefixed(prefix: string, fields: Record<string, string>) {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k === '_' ? prefix : `${prefix}.${k}`, v]))
}

/** Answers a page of a list with the Content-Range header ra-data-simple-rest reads the total from. */
export function sendList<T>(c: Context, resource: string, rows: T[], offset: number, total: number) {
  const last = rows.length ? offset + rows.length - 1 : offset
  c.header('Content-Range', `${resource} ${offset}-${last}/${total}`)
  return c.json(rows)
}

/** `filter.id` as ra-data-simple-rest's getMany sends it: one id or several (none is a question with no answer: 400). */
export const idFilter = z.union([recordId, z.array(recordId).min(1, 'Name at least one id').max(MAX_PAGE_SIZE)])
export const idList = (id: z.output<typeof idFilter>) => (Array.isArray(id) ? id : [id])
