/** A small seeded PRNG (mulberry32): the same seed always gives the same data. */
export class Random {
  private state: number

  constructor(...seeds: number[]) {
    let h = 0x9e3779b9
    for (const s of seeds) h = Math.imul(h ^ (s >>> 0), 0x85ebca6b) ^ (h >>> 13)
    this.state = h >>> 0
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** picks by weight: [[item, weight], …] */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0
    for (let i = 0; i < items.length; i++) total += items[i]![1]
    let r = this.next() * total
    for (let i = 0; i < items.length; i++) if ((r -= items[i]![1]) < 0) return items[i]![0]
    return items[items.length - 1]![0]
  }

  digits(n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) s += String(this.int(0, 9))
    return s
  }

  base64(bytes: number): string {
    const b = Buffer.alloc(bytes)
    for (let i = 0; i < bytes; i++) b[i] = this.int(0, 255)
    return b.toString('base64').replace(/=+$/, '')
  }
}
