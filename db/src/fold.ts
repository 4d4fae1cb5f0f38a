/**
 * Diacritics that a caller may leave out or an agent may not know how to type: the combining marks of Latin, Greek and
 * Cyrillic letters (é, ü, ñ, ç, ễ, й) and Arabic's optional vowel signs. Marks that make a letter of their own script are
 * kept: Devanagari vowel signs, Thai vowels, the kana voicing marks (ガ is not カ).
 */
const DROPPED_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670]/g

/**
 * A name as search compares it, stored beside the name (`first_name_folded`, `last_name_folded`) and applied to what
 * the agent types: accents dropped, lower-cased in every script, full-width forms made ordinary, spaces collapsed.
 * Han characters come out unchanged. `ÉLODIE`, `élodie`, `Elodie` and `Ｅｌｏｄｉｅ` all fold to `elodie`.
 *
 * SQLite's `lower()` folds ASCII only, which is why this is computed here and not in SQL. A migration that backfills
 * the columns carries its own frozen copy: change both, with a migration that refolds, if this ever changes.
 */
export function foldName(name: string): string
export function foldName(name: string | null | undefined): string | null
export function foldName(name: string | null | undefined): string | null {
  if (name == null) return null
  return name.normalize('NFKD').toLowerCase().replace(DROPPED_MARKS, '').normalize('NFKC').replace(/\s+/g, ' ').trim()
}

/** The folded columns to write with a customer's names: whoever sets `first_name` or `last_name` sets these too. */
export function foldedNames(names: { first_name: string | null; last_name: string | null }): {
  first_name_folded: string | null
  last_name_folded: string | null
} {
  return { first_name_folded: foldName(names.first_name), last_name_folded: foldName(names.last_name) }
}
