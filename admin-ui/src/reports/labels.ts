import { useMemo } from 'react'
import { useLocale, useTranslate } from 'react-admin'

/** Every grouping a report can name a value of: demographics, commerce and buyers. */
export type LabelledDimension = 'age_band' | 'gender' | 'country' | 'region' | 'signup_month' | 'month'

/**
 * The words a reader sees for a report's raw values, in the console's language: age bands and genders translated,
 * countries by their name (Intl.DisplayNames), months as month and year, 'unknown' as such. Regions are named as stored.
 */
export function useValueLabel() {
  const translate = useTranslate()
  const locale = useLocale()
  return useMemo(() => {
    const countries = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' })
    const months = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' })
    const country = (code: string) => {
      try {
        return countries.of(code.toUpperCase()) ?? code
      } catch {
        return code
      }
    }
    const month = (ym: string) => {
      const [y, m] = ym.split('-').map(Number)
      return y && m ? months.format(Date.UTC(y, m - 1, 1)) : ym
    }
    return (dimension: LabelledDimension, value: string): string => {
      if (value === 'unknown') return translate('verity.reports.values.unknown')
      switch (dimension) {
        case 'age_band':
          return translate(`verity.reports.values.age_band.${value}`, { _: value })
        case 'gender':
          return translate(`verity.reports.values.gender.${value}`, { _: value })
        case 'country':
          return country(value)
        case 'signup_month':
        case 'month':
          return month(value)
        default:
          return value
      }
    }
  }, [translate, locale])
}

/** Numbers in the console's language. */
export function useNumber() {
  const locale = useLocale()
  return useMemo(() => {
    const format = new Intl.NumberFormat(locale)
    return (n: number) => format.format(n)
  }, [locale])
}
