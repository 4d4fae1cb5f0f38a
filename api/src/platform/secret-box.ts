import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Seals small secrets the server must read back (staff TOTP secrets) with AES-256-GCM under a key derived from the audit
 * key, so that the database alone never holds what opens them (docs/decisions/0015-second-factor-and-grants.md). Each
 * sealed value is bound to its `context` (the staff id): a sealed secret copied onto another row does not open there.
 */
const VERSION = 'v1'

/** A key for one purpose, derived from the audit key (HKDF-SHA-256): what it seals or keys, the database alone cannot open. */
export function derivedKey(auditKey: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', auditKey, new Uint8Array(0), `verity.secret-box.${purpose}`, 32))
}

export function seal(auditKey: Uint8Array, purpose: string, context: string, secret: Uint8Array): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', derivedKey(auditKey, purpose), iv)
  cipher.setAAD(Buffer.from(context))
  const body = Buffer.concat([cipher.update(secret), cipher.final()])
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`
}

/** The secret, or null when the value was not sealed under this key, purpose and context (or was altered). */
export function open(auditKey: Uint8Array, purpose: string, context: string, sealed: string): Uint8Array | null {
  const [version, data] = sealed.split('.')
  if (version !== VERSION || !data) return null
  const bytes = Buffer.from(data, 'base64url')
  if (bytes.length < 12 + 16) return null
  const decipher = createDecipheriv('aes-256-gcm', derivedKey(auditKey, purpose), bytes.subarray(0, 12))
  decipher.setAAD(Buffer.from(context))
  decipher.setAuthTag(bytes.subarray(bytes.length - 16))
  try {
    return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]))
  } catch {
    return null
  }
}
