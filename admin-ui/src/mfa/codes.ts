/** What a person types as a second factor, checked before it is sent (the server checks it again). */
export type CodeKind = 'totp' | 'recovery'

/** The digits of a TOTP code, spaces allowed ("123 456"); null when it is not six. */
export function totpCode(typed: string): string | null {
  const digits = typed.replace(/\s/g, '')
  return /^\d{6}$/.test(digits) ? digits : null
}

/** A recovery code as typed (`xxxxx-xxxxx`; case, spaces and dashes do not matter); null when it cannot be one. */
export function recoveryCode(typed: string): string | null {
  const bare = typed.replace(/[\s-]/g, '')
  return /^[a-z0-9]{10}$/i.test(bare) ? typed.trim() : null
}

export const codeOf = (kind: CodeKind, typed: string) => (kind === 'totp' ? totpCode(typed) : recoveryCode(typed))

/** A base32 secret in groups of four, for typing into an app by hand. */
export const groupsOfFour = (secret: string) =>
  secret
    .replace(/\s/g, '')
    .match(/.{1,4}/g)
    ?.join(' ') ?? ''

/** The recovery codes as a text file: what they are, for whom, and one code a line. */
export function recoveryCodesText(codes: string[], heading: string): string {
  return `${heading}\n\n${codes.join('\n')}\n`
}
