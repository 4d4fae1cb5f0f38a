/**
 * Noise for partner exports (docs/decisions/0013-partner-export-noise.md): the two-sided geometric, or discrete Laplace,
 * distribution, P(x) ∝ exp(−|x|/scale) over the integers. Added to a count of sensitivity 1 with scale 1/ε, it is ε-
 * differentially private.
 *
 * Sampled exactly, with integer arithmetic and uniform integers from the operating system's secure source only, as in
 * Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (2020), Algorithms 1 and 2. Samplers
 * that take the logarithm of a floating-point uniform leak through the gaps and rounding of floating point (Mironov,
 * "On Significance of the Least Significant Bits for Differential Privacy", 2012); this one never touches a float.
 */
import { randomInt } from 'node:crypto'

/** A uniform integer in [0, n): crypto.randomInt, or a stand-in for tests. */
export type UniformInt = (n: number) => number
const secureUniform: UniformInt = (n) => randomInt(n)

/** crypto.randomInt draws below 2⁴⁸ only. */
const MAX_RANGE = 2 ** 48 - 1

/** True with probability n/d (0 ≤ n ≤ d, integers). */
function bernoulli(n: number, d: number, uniform: UniformInt): boolean {
  if (d > MAX_RANGE) throw new RangeError('bernoulli: denominator too large')
  return uniform(d) < n
}

/**
 * True with probability exp(−n/d), for integers n ≥ 0 and d > 0 (Canonne, Kamath and Steinke, Algorithm 1). For
 * γ = n/d ≤ 1: draw A_k ~ Bernoulli(γ/k) for k = 1, 2, … until one is false; the first false index K is odd with
 * probability exp(−γ). Larger γ is split into whole exp(−1) factors and the remainder.
 */
export function bernoulliExp(n: number, d: number, uniform: UniformInt = secureUniform): boolean {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d <= 0) throw new RangeError('bernoulliExp: n ≥ 0 and d > 0, integers')
  if (n <= d) {
    let k = 1
    while (bernoulli(n, d * k, uniform)) k++
    return k % 2 === 1
  }
  for (let i = 0; i < Math.floor(n / d); i++) if (!bernoulliExp(1, 1, uniform)) return false
  return bernoulliExp(n % d, d, uniform)
}

/**
 * One draw of the discrete Laplace distribution with scale t/s (integers t, s > 0): P(x) ∝ exp(−|x|·s/t)
 * (Canonne, Kamath and Steinke, Algorithm 2). A geometric draw is built from a uniform remainder U < t accepted with
 * probability exp(−U/t) and a count V of exp(−1) successes; X = U + tV is geometric with parameter exp(−1/t), and
 * ⌊X/s⌋ is geometric with parameter exp(−s/t). A random sign follows, and a negative zero is drawn again so that zero is
 * not counted twice.
 */
export function discreteLaplace(t: number, s: number, uniform: UniformInt = secureUniform): number {
  if (!Number.isInteger(t) || !Number.isInteger(s) || t <= 0 || s <= 0) throw new RangeError('discreteLaplace: t, s > 0, integers')
  for (;;) {
    const u = uniform(t)
    if (!bernoulliExp(u, t, uniform)) continue
    let v = 0
    while (bernoulliExp(1, 1, uniform)) v++
    const y = Math.floor((u + t * v) / s)
    const negative = uniform(2) === 1
    if (negative && y === 0) continue
    return negative ? -y : y
  }
}

/** ε as a whole number of hundredths: budgets are summed in integers, so they never drift. */
export const hundredths = (epsilon: number) => Math.round(epsilon * 100)

/** Whether ε is a decimal of at most two places (0.05, 1.5), as the exact sampler's scale 100/n needs. */
export const hasTwoPlaces = (epsilon: number) => Math.abs(epsilon * 100 - hundredths(epsilon)) < 1e-9

/**
 * Noise for a count of sensitivity 1 at privacy loss ε, given in hundredths (ε = n/100): the scale 1/ε is 100/n, a
 * rational, so the draw is exact.
 */
export function countNoise(epsilonHundredths: number, uniform: UniformInt = secureUniform): number {
  return discreteLaplace(100, epsilonHundredths, uniform)
}

/** The variance of the discrete Laplace distribution at ε (scale 1/ε): 2α/(1 − α)² with α = e^−ε. */
export function noiseVariance(epsilon: number): number {
  const alpha = Math.exp(-epsilon)
  return (2 * alpha) / (1 - alpha) ** 2
}
