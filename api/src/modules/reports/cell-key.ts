/**
 * The cell-key method (docs/decisions/0011-reports-cell-key.md; promise 7), as the Australian Bureau of Statistics'
 * TableBuilder and the UK's 2021 census tables use it. Every customer has a fixed random record key; a cell's key is the
 * sum of its records' keys, so the same people always give the same cell key and the same question always gets the same
 * answer, however it is asked. The published count is the true count plus a small zero-mean perturbation looked up from a
 * fixed table by (count, cell key); counts under k are then hidden. Totals and margins are cells of their own, perturbed
 * by their own keys, so subtracting tables gives noise, not people.
 */
import { createHmac } from 'node:crypto'

/** No published count is further than this from the truth. */
export const PERTURBATION_BOUND = 2

/** Columns of the perturbation table: a cell key falls in one of 256 equal slices of [0, 2³²). */
export const KEY_SLICES = 256
const TWO_32 = 2 ** 32

/**
 * Perturbations and how many of the 256 slices of cell keys get each, by true count. Each row is symmetric or otherwise
 * zero-mean, sums to 256, and never takes a count below zero. Counts of 2 and more share the last row.
 */
const ROWS: Record<number, [perturbation: number, slices: number][]> = {
  0: [[0, 256]],
  1: [
    [-1, 64],
    [0, 128],
    [1, 64],
  ],
  2: [
    [-2, 16],
    [-1, 48],
    [0, 128],
    [1, 48],
    [2, 16],
  ],
}

/** The fixed perturbation table: `PERTURBATION_TABLE[min(count, 2)][slice]`. */
export const PERTURBATION_TABLE: number[][] = Object.values(ROWS).map((row) => row.flatMap(([p, n]) => Array<number>(n).fill(p)))

/** The perturbation of a cell of `count` people whose cell key is `cellKey` (an integer in [0, 2³²)). */
export function perturbation(count: number, cellKey: number): number {
  const row = PERTURBATION_TABLE[Math.min(count, PERTURBATION_TABLE.length - 1)]!
  return row[Math.floor((cellKey / TWO_32) * KEY_SLICES)]!
}

/** The largest true count a hidden cell can hold: it is hidden when its true or its perturbed count is under k. */
export const suppressedAtMost = (k: number) => k - 1 + PERTURBATION_BOUND

const caches = new Map<string, Map<number, number>>()

/**
 * Customers' record keys under a secret: each an integer in [0, 2³²) from an HMAC of the customer id under a key derived
 * from the audit key, so it is fixed for the life of the installation, unknown to anyone without the key, and no new
 * secret is needed.
 */
export function recordKeys(secret: Uint8Array): (customerId: number) => number {
  const derived = createHmac('sha256', secret).update('verity.reports.record-key').digest()
  const name = derived.toString('hex')
  let cache = caches.get(name)
  if (!cache) caches.set(name, (cache = new Map()))
  const known = cache
  return (customerId) => {
    let key = known.get(customerId)
    if (key === undefined) {
      key = createHmac('sha256', derived).update(String(customerId)).digest().readUInt32BE(0)
      known.set(customerId, key)
    }
    return key
  }
}

/** Names the record keys of a secret without revealing them: summaries summed with other keys must be recounted. */
export function recordKeysId(secret: Uint8Array): string {
  const derived = createHmac('sha256', secret).update('verity.reports.record-key').digest()
  return createHmac('sha256', derived).update('verity.reports.record-keys-id').digest('hex').slice(0, 16)
}

/** A cell as counted: its dimension values, how many people, and the sum of their record keys modulo 2³². */
export interface CountedCell {
  key: string[]
  count: number
  cellKey: number
}

export interface PublishedCell {
  key: string[]
  count: number | null
  suppressed: boolean
}

/** Adds a record to a running cell key. */
export const addKey = (cellKey: number, recordKey: number) => (cellKey + recordKey) % TWO_32

/** Perturbs each cell by its own key and hides it when its true or its perturbed count is under k. */
export function publishCells(cells: CountedCell[], k: number): PublishedCell[] {
  return cells.map((c) => {
    const shown = Math.max(0, c.count + perturbation(c.count, c.cellKey))
    const suppressed = c.count < k || shown < k
    return { key: c.key, count: suppressed ? null : shown, suppressed }
  })
}
