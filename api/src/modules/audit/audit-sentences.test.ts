import { describe, expect, it } from 'vitest'
import { verityEn } from '../../../../admin-ui/src/i18n/en.js'
import { verityZh } from '../../../../admin-ui/src/i18n/zh.js'
import { AUDIT_ACTIONS } from '../../platform/audit.js'

/** The audit desk says every entry as a sentence and offers every action by name, in each language it speaks. */
const tables = { en: verityEn.verity.audit, zh: verityZh.verity.audit }
const lookup = (table: object, action: string) =>
  action.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), table)

describe('the audit desk’s words', () => {
  for (const [lang, audit] of Object.entries(tables)) {
    it(`has a sentence and a name for every action in ${lang}`, () => {
      const missing = AUDIT_ACTIONS.filter((a) => typeof lookup(audit.sentences, a) !== 'string' || !lookup(audit.sentences, a))
      expect(missing, `actions without a sentence in ${lang}`).toEqual([])
      const unnamed = AUDIT_ACTIONS.filter((a) => typeof lookup(audit.actions, a) !== 'string')
      expect(unnamed, `actions without a name in ${lang}`).toEqual([])
    })

    it(`knows no action the log does not in ${lang}`, () => {
      const known = Object.entries(audit.sentences).flatMap(([group, actions]) => Object.keys(actions).map((a) => `${group}.${a}`))
      expect(known.sort()).toEqual([...AUDIT_ACTIONS].sort())
    })
  }

  it('uses the same placeholders in both languages', () => {
    const placeholders = (s: unknown) => [...String(s).matchAll(/%\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const a of AUDIT_ACTIONS)
      expect(placeholders(lookup(tables.zh.sentences, a)), a).toEqual(placeholders(lookup(tables.en.sentences, a)))
  })
})
