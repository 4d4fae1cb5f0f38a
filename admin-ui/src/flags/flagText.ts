import { useMemo } from 'react'
import { useTranslate } from 'react-admin'
import { useAuditText, useDateTime } from '../audit-log/auditText'

/** What the viewer may do about a flag; the server decides (flagActions in api/src/modules/flags/flags.service.ts). */
export type FlagAction = 'resolve' | 'lock_account' | 'record_consent' | 'file_erasure'

/** A flag as GET /api/flags returns it. */
export interface FlagRecord {
  id: number
  created_at: string
  kind: string
  customer_id: number | null
  customer_name: string | null
  staff_id: number | null
  staff_name: string | null
  resolved_at: string | null
  resolved_by_name: string | null
  resolution: string | null
  details: Record<string, unknown>
  /** what resolving does besides closing the flag */
  resolve_effect: 'unlock_customer' | 'resume_agent' | null
  actions: FlagAction[]
}

/** A flag as one sentence naming the staff member and the customer (masked), and a line saying who resolved it. */
export function useFlagText() {
  const translate = useTranslate()
  const when = useDateTime()
  const { value } = useAuditText()
  return useMemo(() => {
    const customer = (f: FlagRecord) =>
      f.customer_id === null ? '—' : f.customer_name ? `${f.customer_name} (#${f.customer_id})` : `#${f.customer_id}`
    const sentence = (f: FlagRecord) => {
      const args: Record<string, string> = {}
      for (const [k, v] of Object.entries(f.details)) args[k] = value(k, v, `flag.${f.kind}`)
      const window = 'lookups_in_minute' in f.details ? 'minute' : 'hour'
      args.lookups = args[`lookups_in_${window}`] ?? '—'
      args.window = translate(`verity.flags.windows.${window}`)
      args.staff = f.staff_name ?? (f.staff_id === null ? '—' : `#${f.staff_id}`)
      args.customer = customer(f)
      return translate(`verity.flags.sentences.${f.kind}`, { ...args, _: translate(`verity.flags.kinds.${f.kind}`) }).replace(
        /%\{[^}]+\}/g,
        '—',
      )
    }
    const resolvedLine = (f: FlagRecord) =>
      f.resolved_at
        ? translate('verity.flags.resolved_line', {
            name: f.resolved_by_name ?? translate('verity.audit.system'),
            when: when(f.resolved_at),
            resolution: f.resolution ?? '',
          })
        : null
    return { sentence, resolvedLine }
  }, [translate, when, value])
}
