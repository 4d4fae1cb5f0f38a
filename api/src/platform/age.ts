/** Ages from birth dates (ISO `YYYY-MM-DD`, UTC days): one rule for reports, age compliance and guardians. */

/** The store has no accounts for anyone younger (docs/design.md promise 9). */
export const MINIMUM_AGE = 13
/** Below this age an account needs a guardian's consent on file. */
export const AGE_OF_MAJORITY = 18

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function parts(isoDate: string): [number, number, number] {
  const m = ISO_DATE.exec(isoDate)
  if (!m) throw new Error(`not an ISO date (YYYY-MM-DD): ${isoDate}`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** The calendar day of an instant in UTC, as `YYYY-MM-DD`: the day every age is computed on. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/**
 * Whole years of age on a day (both ISO dates, UTC). A year is added on the birthday itself; someone born on 29 February
 * turns a year older on 1 March in common years (their birthday has not come by 28 February), and on 29 February in leap years.
 */
export function ageOn(birthDate: string, day: string | Date): number {
  const [by, bm, bd] = parts(birthDate)
  const [dy, dm, dd] = parts(typeof day === 'string' ? day : utcDay(day))
  const hadBirthday = dm > bm || (dm === bm && dd >= bd)
  return dy - by - (hadBirthday ? 0 : 1)
}

/**
 * The latest birth date of someone who is at least `years` old on `day`: `ageOn(b, day) >= years` exactly when
 * `b <= latestBirthDateForAge(day, years)` (ISO dates compare as text). It is the same day `years` earlier, except that
 * 29 February of a common year becomes 28 February: someone born 1 March of that year has not turned `years` yet.
 */
export function latestBirthDateForAge(day: string | Date, years: number): string {
  const [y, m, d] = parts(typeof day === 'string' ? day : utcDay(day))
  const year = y - years
  const dayOfMonth = m === 2 && d === 29 && !isLeapYear(year) ? 28 : d
  return `${pad(year, 4)}-${pad(m)}-${pad(dayOfMonth)}`
}
