/**
 * Small-cell suppression (docs/design.md, promise 7): a cell counted from fewer than k people is hidden, and so is a
 * second cell wherever one hidden cell could be worked out from a total (complementary suppression).
 */
export interface Cell {
  key: string[]
  count: number
}
export interface PublishedCell {
  key: string[]
  count: number | null
  suppressed: boolean
}

export function suppressSmallCells(cells: Cell[], k: number): PublishedCell[] {
  const hidden = cells.map((c) => c.count < k)
  const dims = cells[0]?.key.length ?? 0
  // Every total a reader could know: the whole table, and each line along one dimension with the others fixed.
  const groups: number[][] = [cells.map((_, i) => i)]
  for (let d = 0; d < dims; d++) {
    const lines = new Map<string, number[]>()
    cells.forEach((c, i) => {
      const rest = JSON.stringify(c.key.filter((_, j) => j !== d))
      lines.set(rest, [...(lines.get(rest) ?? []), i])
    })
    groups.push(...lines.values())
  }
  for (let changed = true; changed;) {
    changed = false
    for (const group of groups) {
      const hiddenInGroup = group.filter((i) => hidden[i])
      if (hiddenInGroup.length !== 1) continue
      const shown = group.filter((i) => !hidden[i])
      if (!shown.length) continue
      const smallest = shown.reduce((a, b) => (cells[b]!.count < cells[a]!.count ? b : a))
      hidden[smallest] = true
      changed = true
    }
  }
  return cells.map((c, i) => ({ key: c.key, count: hidden[i] ? null : c.count, suppressed: hidden[i]! }))
}
