import { fetchUtils, HttpError } from 'react-admin'
import { i18nProvider } from './i18n/i18nProvider'
import { FreshProofDeclined, proveFreshness } from './mfa/freshProof'

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, string>; reason?: string; values?: Record<string, number> }
}

/** The API's message in the console's language where the API names why (`reason`); its own words otherwise. */
function explain(error: NonNullable<ErrorBody['error']>, fallback: string): string {
  const message = error.message ?? fallback
  if (!error.reason) return message
  return i18nProvider.translate(`verity.errors.${error.reason}`, { ...error.values, _: message })
}

/** One call of the API; its error body {error: {code, message, fields}} becomes a HttpError react-admin forms read. */
async function send(url: string, options: fetchUtils.Options) {
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

/** The API code of a HttpError this module threw (`invalid_code`, `fresh_factor_required`, …). */
export function errorCode(e: unknown): string | undefined {
  return e instanceof HttpError ? (e.body as ErrorBody | undefined)?.error?.code : undefined
}

/**
 * Every API call: same-origin with the session cookie. The API's error body {error: {code, message, fields}}
 * becomes a HttpError whose body.errors react-admin forms show beside each named input.
 *
 * A dangerous act refused for want of fresh proof (403 `fresh_factor_required`, docs/decisions/0015) asks for the
 * authenticator code (mfa/FreshProofDialog) and, once it is given, is sent again, once; declining makes it fail with a
 * message that says why. Data provider calls and the console's own fetches all come through here.
 */
export async function httpClient(url: string, options: fetchUtils.Options = {}) {
  try {
    return await send(url, options)
  } catch (e) {
    if (errorCode(e) !== 'fresh_factor_required') throw e
    const proof = proveFreshness()
    if (!proof) throw e
    try {
      await proof
    } catch (declined) {
      if (!(declined instanceof FreshProofDeclined)) throw declined
      const message = i18nProvider.translate('verity.mfa.fresh.declined')
      throw new HttpError(message, 403, { ...((e as HttpError).body as object), message })
    }
    return send(url, options)
  }
}
