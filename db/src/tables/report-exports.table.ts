import type { Generated } from 'kysely'

export const REPORT_EXPORT_KINDS = ['demographics', 'commerce', 'buyers'] as const
export type ReportExportKind = (typeof REPORT_EXPORT_KINDS)[number]

/** A partner export of a report table: who, which table, and the privacy loss of its noise (docs/decisions/0013-partner-export-noise.md). */
export interface ReportExportsTable {
  id: Generated<number>
  staff_id: number
  report: ReportExportKind
  /** JSON of what was asked: by, from, to */
  params: string
  /** ε of the noise in hundredths (integers do not drift when summed); null for a table exported as shown */
  epsilon_hundredths: number | null
  rows: number
  created_at: string
}
