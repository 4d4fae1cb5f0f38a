import { fetchUtils, HttpError } from 'react-admin'

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, string> }
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
      const message = body.error?.message ?? e.message
      throw new HttpError(message, e.status, { ...body, message, errors: body.error?.fields })
    }
    throw e
  }
}
