/** Masks applied on the server before anything is serialised (docs/design.md, promise 2). */

const STARS = '***'

function maskWord(word: string | null): string | null {
  if (!word) return word
  return `${Array.from(word)[0]!.toUpperCase()}${STARS}`
}

/** Chinese, Japanese and Korean names are written family name first, with no space between the two. */
const FAMILY_NAME_FIRST = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
const familyNameFirst = (first: string | null, last: string | null) => FAMILY_NAME_FIRST.test(`${first ?? ''}${last ?? ''}`)

/** A customer's name as it is written: `Wei Zhang`, `周磊` (family name first, no space). */
export function personName(first: string | null, last: string | null): string {
  return familyNameFirst(first, last) ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ')
}

/**
 * Only the family name's first character is shown, whatever the script: `Wei Zhang` → `Z***`, `周磊` → `周*`. An initial
 * of the given name would show most of a one- or two-character name, and tells a caller's identity apart no better
 * than the account's own identifier does. With no family name on file the given name's first character stands in.
 */
export function maskName(first: string | null, last: string | null): string {
  const family = last || first
  if (!family) return ''
  return familyNameFirst(first, last) ? `${Array.from(family)[0]}*` : maskWord(family)!
}

/** `wei.zhang@163.com` → `w***@163.com` */
export function maskEmail(email: string | null): string | null {
  if (!email) return email
  const at = email.lastIndexOf('@')
  if (at < 1) return STARS
  return `${email[0]}${STARS}${email.slice(at)}`
}

/** No digit at all, since callers are asked for the last four: `+86 138 1234 5678` → `+•• ••• •••• ••••` */
export function maskPhone(value: string | null): string | null {
  if (!value) return value
  return value.replace(/\d/g, '•')
}

/** Emails and phone numbers a text quotes (an SMTP rejection names the address), masked like a recipient. */
const EMAIL_IN_TEXT = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g
const PHONE_IN_TEXT = /\+?\d[\d ()-]{5,}\d/g
export const maskContacts = (text: string | null) =>
  text && text.replace(EMAIL_IN_TEXT, (email) => maskEmail(email)!).replace(PHONE_IN_TEXT, (phone) => maskPhone(phone)!)
