import { ageOn } from '../../platform/age.js'

/** Each age band and the age it runs up to (not including); the last band, 65+, has no end. */
const AGE_BANDS = [
  ['under_13', 13],
  ['13-17', 18],
  ['18-24', 25],
  ['25-34', 35],
  ['35-44', 45],
  ['45-54', 55],
  ['55-64', 65],
] as const

/** The ages at which someone moves to the next band. */
export const BAND_LIMITS: number[] = AGE_BANDS.map(([, upTo]) => upTo)

export const BAND_ORDER: string[] = [...AGE_BANDS.map(([band]) => band), '65+', 'unknown']

/** The age band of a birth date on a day (UTC); 'unknown' without a birth date. */
export function ageBand(birthDate: string | null, today: string): string {
  if (!birthDate) return 'unknown'
  const age = ageOn(birthDate, today)
  return AGE_BANDS.find(([, upTo]) => age < upTo)?.[0] ?? '65+'
}
