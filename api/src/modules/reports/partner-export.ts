/**
 * Partner exports of report tables as CSV (docs/decisions/0013-partner-export-noise.md): a table exactly as the console
 * shows it, or a demographics table whose shown counts are drawn afresh from the true counts with discrete Laplace
 * noise at a chosen ε, spent from a yearly privacy budget. Every export is kept in the ledger and the audit log.
 */
import type { Database, ReportExportKind } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import type { StaffContext } from '../../platform/context.js'
import { because, conflict, unprocessable } from '../../platform/errors.js'
import { inTransaction } from '../../platform/transaction.js'
import { getSetting } from '../settings/settings.service.js'
import { buyers, COMMERCE_TABLES, type CommerceBy, commerce, periodKey } from './commerce.js'
import { countNoise, hundredths } from './noise.js'
import { type Dimension, demographicCells, demographics } from './reports.service.js'

export type ExportInput = { from?: string; to?: string; epsilon?: number } & (
  { report: 'demographics'; by: Dimension[] } | { report: 'commerce'; by: CommerceBy } | { report: 'buyers' }
)

type Value = string | number | boolean | null
type Row = Record<string, unknown>

const asEpsilon = (h: number) => h / 100

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. A text that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe first.
 */
export function csvField(value: Value): string {
  if (value === null) return ''
  if (typeof value !== 'string') return String(value)
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A CSV document: a line of column names, then one line per row, each ended by CRLF. */
export function toCsv(columns: string[], rows: Row[]): string {
  return [columns, ...rows.map((r) => columns.map((c) => (r[c] ?? null) as Value))]
    .map((line) => `${line.map((v) => csvField(v)).join(',')}\r\n`)
    .join('')
}

interface Table {
  columns: string[]
  rows: Row[]
  /** adds fresh noise to the shown counts: demographics only */
  addNoise?: (epsilonHundredths: number) => Promise<Row[]>
}

/** The table as the console shows it: one column per dimension, the report's figures, then whether it is hidden. */
async function tableOf(db: Kysely<Database>, ctx: StaffContext, input: ExportInput): Promise<Table> {
  const { from, to } = input
  if (input.report === 'demographics') {
    const { by } = input
    const table = await demographics(db, ctx, { by, from, to })
    const rows = table.rows as Row[]
    return {
      columns: [...by, 'count', 'suppressed'],
      rows,
      // Each shown cell's true count plus discrete Laplace noise of scale 1/ε (a person is in exactly one cell: sensitivity
      // 1), never below zero. Hidden cells stay hidden: which cells are hidden is already published.
      addNoise: async (epsilonHundredths) => {
        const truth = new Map((await demographicCells(db, ctx, { by, from, to })).map((c) => [JSON.stringify(c.key), c.count]))
        return rows.map((r) => {
          if (r.suppressed) return r
          const count = truth.get(JSON.stringify(by.map((d) => r[d]))) ?? 0
          return { ...r, count: Math.max(0, count + countNoise(epsilonHundredths)) }
        })
      },
    }
  }
  if (input.report === 'commerce') {
    const table = await commerce(db, ctx, { by: input.by, from, to })
    return {
      columns: [...COMMERCE_TABLES[input.by], 'currency', 'orders', 'revenue_cents', 'average_cents', 'suppressed'],
      rows: table.rows as Row[],
    }
  }
  const table = await buyers(db, ctx, { from, to })
  return { columns: ['month', 'new', 'returning', 'suppressed'], rows: table.rows as Row[] }
}

const yearRange = (year: number) => [`${year}-01-01T00:00:00.000Z`, `${year + 1}-01-01T00:00:00.000Z`] as const

/** The year's budget and what noisy exports spent of it, in hundredths of ε. */
async function budgetOf(db: Kysely<Database>, now: Date) {
  const year = now.getUTCFullYear()
  const [start, end] = yearRange(year)
  const total = hundredths(await getSetting(db, 'export_epsilon_per_year'))
  const { spent } = await db
    .selectFrom('report_exports')
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .select((eb) => eb.fn.sum<number | string | null>('epsilon_hundredths').as('spent'))
    .executeTakeFirstOrThrow()
  const used = Number(spent ?? 0)
  return { year, total, spent: used, remaining: Math.max(0, total - used) }
}

const budgetView = (b: Awaited<ReturnType<typeof budgetOf>>) => ({
  year: b.year,
  total: asEpsilon(b.total),
  spent: asEpsilon(b.spent),
  remaining: asEpsilon(b.remaining),
})

const byText = (input: ExportInput) =>
  input.report === 'demographics' ? input.by.join(',') : input.report === 'commerce' ? input.by : null

/** `verity-demographics-age_band-country-2025.csv`, and with noise `…-2025-epsilon-0.50.csv`. */
export function exportFilename(input: ExportInput) {
  const by = byText(input)
  const parts = ['verity', input.report, ...(by ? by.split(',') : []), periodKey(input)]
  if (input.epsilon !== undefined) parts.push('epsilon', asEpsilon(hundredths(input.epsilon)).toFixed(2))
  return `${parts.join('-')}.csv`
}

export interface ReportExport {
  filename: string
  csv: string
  rows: number
  /** ε left this year, after a noisy export */
  budgetRemaining: number | null
}

/**
 * Exports one report table as CSV. The ledger row and the audit entry are written in one transaction, and for a noisy
 * export the budget is checked in that same transaction: exports sent together are counted one after another, so the
 * year's ε is never overspent. Noise is drawn only once the export is on the record.
 */
export async function exportReport(db: Kysely<Database>, ctx: StaffContext, input: ExportInput): Promise<ReportExport> {
  const h = input.epsilon === undefined ? null : hundredths(input.epsilon)
  if (h !== null && input.report !== 'demographics') {
    throw unprocessable(
      'Noise can be added to demographics counts only: a sum of orders or revenue has no bound on what one customer adds to it.',
      { epsilon: 'Demographics only' },
    )
  }
  const table = await tableOf(db, ctx, input)
  const by = byText(input)
  const budget = await inTransaction(db, async (trx) => {
    let left: number | null = null
    if (h !== null) {
      const b = await budgetOf(trx, ctx.now)
      if (b.spent + h > b.total) {
        throw because(
          'export_budget_spent',
          conflict(
            `This year's privacy budget for noisy exports is ε ${asEpsilon(b.total)}: ε ${asEpsilon(b.remaining)} is left, ` +
              `and this export needs ε ${asEpsilon(h)}. Export the table as shown, or with a smaller ε.`,
          ),
          { remaining: asEpsilon(b.remaining), total: asEpsilon(b.total), epsilon: asEpsilon(h) },
        )
      }
      left = b.total - b.spent - h
    }
    const { id } = await trx
      .insertInto('report_exports')
      .values({
        staff_id: ctx.staff.id,
        report: input.report,
        params: JSON.stringify({ by, from: input.from ?? null, to: input.to ?? null }),
        epsilon_hundredths: h,
        rows: table.rows.length,
        created_at: ctx.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, ctx, {
      action: 'report.exported',
      entityType: 'report_export',
      entityId: id,
      details: {
        report: input.report,
        by,
        from: input.from ?? null,
        to: input.to ?? null,
        epsilon: h === null ? null : asEpsilon(h),
        rows: table.rows.length,
      },
    })
    return left
  })
  const rows = h !== null && table.addNoise ? await table.addNoise(h) : table.rows
  return {
    filename: exportFilename(input),
    csv: toCsv(table.columns, rows),
    rows: rows.length,
    budgetRemaining: budget === null ? null : asEpsilon(budget),
  }
}

/** This year's budget and the latest 100 exports, newest first. */
export async function listExports(db: Kysely<Database>, ctx: Pick<StaffContext, 'now'>) {
  const budget = budgetOf(db, ctx.now)
  const rows = await db
    .selectFrom('report_exports as e')
    .innerJoin('staff_users as s', 's.id', 'e.staff_id')
    .select(['e.id', 'e.report', 'e.params', 'e.epsilon_hundredths', 'e.rows', 'e.created_at', 'e.staff_id', 's.name'])
    .orderBy('e.id', 'desc')
    .limit(100)
    .execute()
  return {
    budget: budgetView(await budget),
    exports: rows.map((r) => {
      const params = JSON.parse(r.params) as { by: string | null; from: string | null; to: string | null }
      return {
        id: r.id,
        report: r.report as ReportExportKind,
        by: params.by,
        from: params.from,
        to: params.to,
        epsilon: r.epsilon_hundredths === null ? null : asEpsilon(r.epsilon_hundredths),
        rows: r.rows,
        staff: { id: r.staff_id, name: r.name },
        createdAt: r.created_at,
      }
    }),
  }
}
