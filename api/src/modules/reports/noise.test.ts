import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bernoulliExp, countNoise, discreteLaplace, noiseVariance } from './noise.js'

const stats = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)
  return { mean, variance }
}

describe('Bernoulli(exp(−γ))', () => {
  it('is true about exp(−γ) of the time, for γ under and over 1', () => {
    for (const [n, d] of [
      [0, 1],
      [1, 2],
      [1, 1],
      [7, 3],
    ] as const) {
      const draws = 20_000
      let hits = 0
      for (let i = 0; i < draws; i++) if (bernoulliExp(n, d)) hits++
      const p = Math.exp(-n / d)
      // five standard deviations of the share
      expect(Math.abs(hits / draws - p), `γ = ${n}/${d}`).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / draws) + 1e-9)
    }
  })
})

describe('discrete Laplace noise', () => {
  for (const epsilon of [0.5, 1, 2]) {
    it(`at ε = ${epsilon} has mean 0 and variance 2α/(1 − α)², α = e^−ε`, () => {
      const xs = Array.from({ length: 40_000 }, () => countNoise(Math.round(epsilon * 100)))
      const { mean, variance } = stats(xs)
      const expected = noiseVariance(epsilon)
      expect(xs.every(Number.isInteger)).toBe(true)
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(expected / xs.length))
      expect(variance / expected).toBeGreaterThan(0.9)
      expect(variance / expected).toBeLessThan(1.1)
    })
  }

  it('is symmetric: each value as often as its negative, and P(0) as the formula says', () => {
    const epsilon = 1
    const xs = Array.from({ length: 40_000 }, () => countNoise(100))
    const count = (v: number) => xs.filter((x) => x === v).length
    const alpha = Math.exp(-epsilon)
    const p = (v: number) => ((1 - alpha) / (1 + alpha)) * alpha ** Math.abs(v)
    for (const v of [0, 1, 2, 3]) {
      const sd = Math.sqrt(xs.length * p(v))
      expect(Math.abs(count(v) - xs.length * p(v)), `P(${v})`).toBeLessThan(5 * sd)
      if (v) expect(Math.abs(count(v) - count(-v)), `${v} and −${v}`).toBeLessThan(5 * Math.sqrt(2 * xs.length * p(v)))
    }
  })

  it('draws from integer uniforms only, and refuses a scale that is not a ratio of integers', () => {
    const asked: number[] = []
    const uniform = (n: number) => {
      asked.push(n)
      return randomInt(n)
    }
    for (let i = 0; i < 200; i++) expect(Number.isInteger(discreteLaplace(100, 7, uniform))).toBe(true)
    expect(asked.length).toBeGreaterThan(200)
    expect(asked.every((n) => Number.isInteger(n) && n > 0)).toBe(true)
    expect(() => discreteLaplace(100, 0.5)).toThrow(RangeError)
    expect(() => bernoulliExp(-1, 2)).toThrow(RangeError)
  })
})
