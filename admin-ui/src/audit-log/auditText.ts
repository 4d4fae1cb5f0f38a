import { useMemo } from 'react'
import { useLocale, useTranslate } from 'react-admin'

/** An audit entry as GET /api/audit-log returns it. */
export interface AuditEntry {
  id: number
  at: string
  actor_id: number | null
  actor_name: string | null
  actor_role: string | null
  action: string
  entity_type: string | null
  entity_id: string | null
  customer_id: number | null
  /** the staff member the entry is about (an account changed, an agent flagged) */
  staff_id?: number | null
  staff_name?: string | null
  ip: string | null
  details: Record<string, unknown>
  reason?: string | null
}

/**
 * Every action the log knows, read from the sentence table: the same list as AUDIT_ACTIONS in api/src/platform/audit.ts
 * (api/src/modules/audit/audit-sentences.test.ts holds the two together). The table is the English strings' chunk,
 * imported here as i18nProvider imports it, so that it stays one chunk of its own rather than a piece of this page.
 */
export const AUDIT_ACTION_CODES: Promise<string[]> = import('../i18n/en').then(({ verityEn }) =>
  Object.entries(verityEn.verity.audit.sentences).flatMap(([group, actions]) => Object.keys(actions).map((name) => `${group}.${name}`)),
)

/** The console's language as an Intl locale: dates and numbers are written as readers of that language expect. */
export function intlLocale(uiLocale: string): string {
  if (uiLocale === 'zh') return 'zh-CN'
  const browser = typeof navigator !== 'undefined' ? navigator.language : ''
  return browser.toLowerCase().startsWith('en') ? browser : 'en-GB'
}

/** Date and time in the console's language and the viewer's own time zone. */
export function useDateTime() {
  const locale = intlLocale(useLocale())
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })
    return (iso: string | null | undefined) => (iso ? format.format(new Date(iso)) : '—')
  }, [locale])
}

/** Loopback addresses: the request came from the server's own machine (a local console, a script). */
const LOOPBACK = /^(::1|127(\.\d{1,3}){3}|::ffff:127(\.\d{1,3}){3})$/

/** Detail keys that name another record by its id: shown as #id. */
const RECORD_KEYS = new Set(['customers', 'request', 'amendment', 'attachment', 'first_broken', 'checkpoint', 'erased_by_request'])
/** Detail keys the sentence already says through a name (the staff member's). */
const HIDDEN_KEYS = new Set(['staff_id'])

/** Where the words for a coded detail value live, by key (and, where a key means different things, by action). */
function valueKey(key: string, action: string): string | null {
  switch (key) {
    case 'role':
    case 'role_from':
    case 'role_to':
      return 'verity.roles'
    case 'status_to':
      return 'verity.status'
    case 'previous_status':
      return 'verity.customers.status'
    case 'kind':
      if (action.startsWith('grant.')) return 'verity.grants.kinds'
      return action.startsWith('flag.') ? 'verity.flags.kinds' : 'verity.audit.values.search_kind'
    case 'channel':
      return action.startsWith('request.') ? 'verity.requests.channels' : 'verity.channel'
    case 'caller':
      return 'verity.verify.callers'
    case 'type':
      return action.startsWith('disclosure.') ? 'verity.disclosures.types' : 'verity.requests.types'
    case 'outcome':
      return 'verity.disclosures.outcomes'
    case 'setting':
      return 'verity.settings.names'
    case 'basis':
    case 'reason':
    case 'ok':
    case 'match':
      return `verity.audit.values.${key}`
    default:
      return null
  }
}

const humanise = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())

/**
 * The words of the audit desk: an entry as one sentence in the console's language, its details as label and value pairs
 * (never a raw null or code), an action's name, and an address a person can read.
 */
export function useAuditText() {
  const translate = useTranslate()
  const locale = intlLocale(useLocale())
  return useMemo(() => {
    const numbers = new Intl.NumberFormat(locale)
    const value = (key: string, v: unknown, action: string): string => {
      if (v === null || v === undefined || v === '') return translate('verity.audit.none')
      if (Array.isArray(v)) return v.length ? v.map((x) => value(key, x, action)).join(', ') : translate('verity.audit.none')
      const where = valueKey(key, action)
      if (typeof v === 'boolean' && !where) return translate(v ? 'verity.audit.yes' : 'verity.audit.no')
      if (typeof v === 'number') return RECORD_KEYS.has(key) ? `#${v}` : numbers.format(v)
      if (where) return translate(`${where}.${String(v)}`, { _: String(v) })
      if (key === 'format') return String(v).toUpperCase()
      if (typeof v === 'object') return JSON.stringify(v)
      return String(v)
    }
    const label = (key: string) => translate(`verity.audit.details.${key}`, { _: humanise(key) })

    const actionName = (action: string) => translate(`verity.audit.actions.${action}`, { _: action })

    /**
     * What a two-person grant asks for, as far as its entry says (grants.service.ts): a role for a staff member, or a
     * setting with its values before and after where the entry has them.
     */
    const grantChange = (e: AuditEntry) => {
      const d = e.details
      const staff = e.staff_name ?? (e.staff_id != null ? `#${e.staff_id}` : '—')
      if (d.role !== undefined && d.role !== null)
        return translate('verity.grants.audit.role', { staff, role: value('role', d.role, e.action) })
      if (typeof d.setting === 'string') {
        const setting = value('setting', d.setting, e.action)
        const to = d.value ?? d.to
        const from = d.previous_value ?? d.from
        if (to === undefined || to === null) return setting
        const key = from === undefined || from === null ? 'setting_to' : 'setting'
        return translate(`verity.grants.audit.${key}`, { setting, from: value('from', from, e.action), to: value('to', to, e.action) })
      }
      if (e.staff_id != null) return translate('verity.grants.audit.staff', { staff })
      return translate('verity.grants.audit.unknown')
    }

    const sentence = (e: AuditEntry) => {
      const args: Record<string, string> = {}
      for (const [k, v] of Object.entries(e.details)) args[k] = value(k, v, e.action)
      const system = translate('verity.audit.system')
      args.actor = e.actor_id === null ? system : (e.actor_name ?? `#${e.actor_id}`)
      args.staff = e.staff_name ?? (e.staff_id != null ? `#${e.staff_id}` : translate('verity.audit.someone'))
      args.customer = e.customer_id === null ? '—' : `#${e.customer_id}`
      args.entity = e.entity_id === null ? '' : `#${e.entity_id}`
      args.setting = e.entity_id ?? '—'
      if (e.action.startsWith('grant.')) args.change = grantChange(e)
      if (e.action === 'customer.search' && Array.isArray(e.details.customers) && e.details.results === undefined) {
        args.results = numbers.format(e.details.customers.length)
      }
      const text = translate(`verity.audit.sentences.${e.action}`, { ...args, _: e.action })
        // a value the entry does not carry is a dash, never a placeholder
        .replace(/%\{[^}]+\}/g, '—')
        .replace(/\s+/g, ' ')
        .trim()
      return e.reason ? translate('verity.audit.with_reason', { sentence: text, reason: e.reason }) : text
    }

    const details = (e: AuditEntry): { key: string; label: string; value: string }[] =>
      Object.entries(e.details)
        .filter(([k, v]) => !HIDDEN_KEYS.has(k) && v !== null && v !== undefined)
        .map(([k, v]) => ({ key: k, label: label(k), value: value(k, v, e.action) }))

    const address = (ip: string | null) => (ip === null ? '—' : LOOPBACK.test(ip) ? translate('verity.audit.this_machine') : ip)

    return { sentence, details, actionName, address, value, label }
  }, [translate, locale])
}
