import { httpClient } from '../httpClient'

/** What a CSV export of a report asks for: the same parameters as the table on screen (POST /api/reports/exports). */
export interface ExportRequest {
  report: 'demographics' | 'commerce' | 'buyers'
  by?: string
  from?: string
  to?: string
  /** privacy-loss parameter of a noisy demographics export; spends that much of the yearly budget */
  epsilon?: number
}

/** GET /api/reports/exports: the year's privacy budget and the exports on record. */
export interface ExportLog {
  budget: { year: number; total: number; spent: number; remaining: number }
  exports: {
    id: number
    report: string
    by: string | null
    from: string | null
    to: string | null
    epsilon: number | null
    rows: number
    staff: { id: number; name: string }
    createdAt: string
  }[]
}

/** The file name a Content-Disposition header gives (RFC 6266: filename* first, then filename), if any. */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(disposition)
  return plain ? (plain[2] ?? plain[1]!).trim() : null
}

/** Hands a file to the browser to save, under its name. */
export function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * Asks the server for a report as CSV and saves it under the server's file name. Errors come as the console's other
 * API errors do (httpClient: a refusal's reason in the console's language). Returns the budget left after a noisy one.
 */
export async function downloadExport(request: ExportRequest): Promise<{ filename: string; remaining: number | null }> {
  const body = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined && v !== ''))
  const response = await httpClient('/api/reports/exports', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: new Headers({ Accept: 'text/csv', 'Content-Type': 'application/json' }),
  })
  const filename = filenameOf(response.headers.get('Content-Disposition')) ?? `${request.report}.csv`
  // The body arrives decoded from UTF-8; the file is it encoded again, the server's bytes.
  saveFile(new Blob([response.body], { type: 'text/csv;charset=utf-8' }), filename)
  const remaining = response.headers.get('X-Privacy-Budget-Remaining')
  return { filename, remaining: remaining === null ? null : Number(remaining) }
}
