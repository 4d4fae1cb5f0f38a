/** Masks applied on the server before anything is serialised (docs/design.md, promise 2). */

const STARS = '***'

export function maskWord(word: string | null): string | null {
  if (!word) return word
  return `${Array.from(word)[0]!.toUpperCase()}${STARS}`
}

/** `Wei Zhang` → `W*** Z***` */
export function maskName(first: string | null, last: string | null): string {
  return [maskWord(first), maskWord(last)].filter(Boolean).join(' ')
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
