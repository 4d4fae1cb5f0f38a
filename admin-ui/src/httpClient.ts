import { fetchUtils, HttpError } from 'react-admin'
import { i18nProvider } from './i18n/i18nProvider'

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, string>; reason?: string; values?: Record<string, number> }
}

/** The API's message in the console's language where the API names why (`reason`); its own words otherwise. */
function explain(error: NonNullable<ErrorBody['error']>, fallback: string): string {
  const message = error.message ?? fallback
  if (!error.reason) return message
  return i18nProvider.translate(`verity.errors.${error.reason}`, { ...error.values, _: message })
}

/**
 * Every API call: same-origin with the session cookie. The API's error body {error: {code, message, fields}}
 * becomes a HttpError whose body.errors react-admin forms show beside each named input.
 */
export async function httpClient(url: string, options: fetchUtils.Options = {}) {
  try {
    return await fetchUtils.fetchJson(url, { ...options, credentials: 'same-origin' })
  } catch (e) {
    if (e instanceof HttpError) {
      const body = (e.body ?? {}) as ErrorBody
      const message = body.error ? explain(body.error, e.message) : e.message
      throw new HttpError(message, e.status, { ...body, message, errors: body.error?.fields })
    }
    throw e
  }
}
