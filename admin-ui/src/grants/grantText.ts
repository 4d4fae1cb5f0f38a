import { useMemo } from 'react'
import { useLocale, useTranslate } from 'react-admin'
import { intlLocale, useDateTime } from '../audit-log/auditText'
import type { GrantAction, GrantRow } from './types'

/** Settings whose approval has words of its own for what follows; any other names its new value. */
const SETTING_CONSEQUENCES = new Set(['k_anonymity', 'export_epsilon_per_year'])

/**
 * A grant in plain words: who asks for what ("Alex Admin asks to make Wu Fang (wu@example.com) a compliance officer",
 * "… asks to lower “Smallest group shown in reports (k)” from 10 to 5"), who decided and when, and what each step the
 * viewer may take would do.
 */
export function useGrantText() {
  const translate = useTranslate()
  const locale = intlLocale(useLocale())
  const when = useDateTime()
  return useMemo(() => {
    const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })
    const number = (n: number | null) => (n === null ? '—' : numbers.format(n))

    const args = (g: GrantRow) => {
      const name = g.staff_name ?? (g.staff_id === null ? '—' : `#${g.staff_id}`)
      return {
        requester: g.requested_by_name ?? `#${g.requested_by}`,
        name,
        who: g.staff_email ? translate('verity.grants.who', { name, email: g.staff_email }) : name,
        setting: g.setting ? translate(`verity.settings.names.${g.setting}`, { _: g.setting }) : '—',
        from: number(g.previous_value),
        to: number(g.value),
        when: when(g.requested_at),
      }
    }

    /** role, or how the setting moves: lower, raise, or (no value before to compare) change */
    const change = (g: GrantRow) => {
      if (g.kind === 'role') return 'role'
      if (g.value === null || g.previous_value === null || g.value === g.previous_value) return 'change'
      return g.value < g.previous_value ? 'lower' : 'raise'
    }

    const sentence = (g: GrantRow) =>
      translate(`verity.grants.sentences.${g.status === 'pending' ? 'asks' : 'asked'}.${change(g)}`, args(g))

    const requestedLine = (g: GrantRow) => translate('verity.grants.requested', { when: when(g.requested_at) })

    /** "Approved by Chen Jing, 27 Nov 2026, 12:00"; nothing while the grant waits */
    const decidedLine = (g: GrantRow) =>
      g.status === 'pending'
        ? null
        : translate(`verity.grants.decided.${g.status}`, {
            name: g.decided_by_name ?? g.requested_by_name ?? '—',
            when: when(g.decided_at),
          })

    const title = (g: GrantRow, action: GrantAction) => translate(`verity.grants.${action}_title.${g.kind}`, args(g))

    /** What confirming the step does, said before it is done. */
    const consequence = (g: GrantRow, action: GrantAction) => {
      if (action !== 'approve') return translate(`verity.grants.${action}_body.${g.kind}`, args(g))
      if (g.kind === 'role') return translate('verity.grants.consequences.role', args(g))
      const which = g.setting && SETTING_CONSEQUENCES.has(g.setting) ? g.setting : 'setting'
      return translate(`verity.grants.consequences.${which}`, args(g))
    }

    return { sentence, requestedLine, decidedLine, title, consequence, number }
  }, [translate, locale, when])
}
