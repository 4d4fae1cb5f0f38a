/**
 * What a bar chart of a report shows, decided before drawing: which values go on the axis and which as coloured series,
 * cut down to what stays readable (a dozen groups on the axis, five series), so a country-by-age table never becomes a
 * hundred-odd slivers. The table beside the chart always lists everything.
 */

/** How a grouping's values are ordered and, when there are too many, which are kept. */
export type Order =
  /** months: in time order; the latest are kept */
  | 'time'
  /** age bands, genders: in the order given; the largest are kept, still in that order */
  | 'fixed'
  /** countries, regions: largest first */
  | 'size'

export const MAX_CATEGORIES = 12
export const MAX_SERIES = 5

export interface Picked {
  keys: string[]
  /** how many values there were before cutting down */
  of: number
}

/** The values of one grouping to chart, given each value's shown total, in first-seen order. */
export function pick(totals: Map<string, number>, order: Order, limit: number): Picked {
  const all = [...totals.keys()]
  if (order === 'time') {
    const sorted = [...all].sort()
    return { keys: sorted.slice(Math.max(0, sorted.length - limit)), of: all.length }
  }
  const bySize = [...all].sort((a, b) => totals.get(b)! - totals.get(a)!)
  if (order === 'size') return { keys: bySize.slice(0, limit), of: all.length }
  const kept = new Set(bySize.slice(0, limit))
  return { keys: all.filter((k) => kept.has(k)), of: all.length }
}

export interface Cell {
  category: string
  /** '' for a chart of one series */
  series: string
  /** null when the cell is hidden */
  value: number | null
}

export interface Shape {
  categories: Picked
  series: Picked
}

/**
 * The categories and series a chart of these cells shows, at most `limit` of each (a heat map takes them all); hidden
 * cells count as nothing towards choosing them.
 */
export function shapeOf(
  cells: Cell[],
  orders: { category: Order; series: Order },
  limit: { categories: number; series: number } = { categories: MAX_CATEGORIES, series: MAX_SERIES },
): Shape {
  const totals = (of: (c: Cell) => string) => {
    const m = new Map<string, number>()
    for (const c of cells) m.set(of(c), (m.get(of(c)) ?? 0) + (c.value ?? 0))
    return m
  }
  return {
    categories: pick(
      totals((c) => c.category),
      orders.category,
      limit.categories,
    ),
    series: pick(
      totals((c) => c.series),
      orders.series,
      limit.series,
    ),
  }
}

/** One bar as drawn: how far it reaches, what its tooltip says, and whether it is hatched (hidden or banded). */
export interface Bar {
  value: number
  text: string
  hatched: boolean
  /** a word written beside the bar, for a bar whose length means nothing (a hidden amount) */
  mark?: string
}

export interface BarsData {
  categories: { key: string; label: string }[]
  series: { key: string; label: string }[]
  /** by barKey(category, series); a missing bar is a group with nobody in it */
  bars: Map<string, Bar>
}

export const barKey = (category: string, series: string) => `${category}\n${series}`

/**
 * The bars of the chosen categories and series. A hidden cell becomes the bar `hidden` gives for the tallest shown one:
 * up to k for counts (a hidden count is under k), a short marked stub for amounts (nothing is known of a hidden amount).
 */
export function barsOf(
  cells: Cell[],
  shape: Shape,
  o: {
    categoryLabel: (key: string) => string
    seriesLabel: (key: string) => string
    shown: (value: number) => Bar
    hidden: (tallest: number) => Bar
  },
): BarsData {
  const categories = new Set(shape.categories.keys)
  const series = new Set(shape.series.keys)
  const kept = cells.filter((c) => categories.has(c.category) && series.has(c.series))
  const tallest = Math.max(0, ...kept.map((c) => c.value ?? 0))
  return {
    categories: shape.categories.keys.map((key) => ({ key, label: o.categoryLabel(key) })),
    series: shape.series.keys.map((key) => ({ key, label: o.seriesLabel(key) })),
    bars: new Map(kept.map((c) => [barKey(c.category, c.series), c.value === null ? o.hidden(tallest) : o.shown(c.value)])),
  }
}

/** Whether any bar drawn is hatched, so the legend explains hatching only when it is on screen. */
export const anyHatched = (data: BarsData) => [...data.bars.values()].some((b) => b.hatched)
