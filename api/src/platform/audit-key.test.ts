import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadAuditKey, parseAuditKey } from './audit-key.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-audit-key-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const quiet = () => {}
const mode = (file: string) => fs.statSync(file).mode & 0o777

describe('the audit key', () => {
  it('is created on first start as 32 random bytes in a 0600 file, and read back the same afterwards', () => {
    const file = path.join(dir, 'data', 'audit.key')
    const first = loadAuditKey({ file, create: true, log: quiet })
    expect(first).toMatchObject({ source: file, created: true })
    expect(first.key).toHaveLength(32)
    expect(mode(file)).toBe(0o600)
    expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/)
    const again = loadAuditKey({ file, create: true, log: quiet })
    expect(again).toMatchObject({ created: false })
    expect(again.key).toEqual(first.key)
    expect(loadAuditKey({ file: path.join(dir, 'other.key'), create: true, log: quiet }).key).not.toEqual(first.key)
  })

  it('comes from AUDIT_KEY when given, without touching the file', () => {
    const key = new Uint8Array(32).fill(9)
    const file = path.join(dir, 'audit.key')
    expect(loadAuditKey({ key, file, create: true, log: quiet })).toEqual({ key, source: 'AUDIT_KEY', created: false })
    expect(fs.existsSync(file)).toBe(false)
  })

  it('refuses a key file that group or others can read, naming the fix', () => {
    const file = path.join(dir, 'audit.key')
    fs.writeFileSync(file, 'ab'.repeat(32), { mode: 0o640 })
    fs.chmodSync(file, 0o640)
    expect(() => loadAuditKey({ file, create: true, log: quiet })).toThrow(/open to group or others \(mode 0640\).*chmod 600/)
    fs.chmodSync(file, 0o604)
    expect(() => loadAuditKey({ file, create: true, log: quiet })).toThrow(/mode 0604/)
    fs.chmodSync(file, 0o600)
    expect(loadAuditKey({ file, create: true, log: quiet }).key).toEqual(new Uint8Array(32).fill(0xab))
  })

  it('refuses a key file that is too short, and never replaces it', () => {
    const file = path.join(dir, 'audit.key')
    fs.writeFileSync(file, 'ab'.repeat(16), { mode: 0o600 })
    expect(() => loadAuditKey({ file, create: true, log: quiet })).toThrow(/at least 32 bytes/)
    expect(fs.readFileSync(file, 'utf8')).toBe('ab'.repeat(16))
  })

  it.skipIf(process.getuid?.() === 0)('refuses a key file it cannot read', () => {
    const file = path.join(dir, 'audit.key')
    fs.writeFileSync(file, 'ab'.repeat(32), { mode: 0o600 })
    fs.chmodSync(file, 0o200)
    expect(() => loadAuditKey({ file, create: true, log: quiet })).toThrow(/cannot be read \(EACCES\)/)
  })

  it('is not created when asked only to read, and the message says how to give one', () => {
    const file = path.join(dir, 'audit.key')
    expect(() => loadAuditKey({ file, create: false })).toThrow(/No audit key.*\n[\s\S]*AUDIT_KEY=[\s\S]*AUDIT_KEY_FILE/)
    expect(fs.existsSync(file)).toBe(false)
  })

  it('reads hex and base64 of at least 32 bytes, and nothing else', () => {
    const bytes = new Uint8Array(32).map((_, i) => i)
    expect(parseAuditKey(Buffer.from(bytes).toString('hex'))).toEqual(bytes)
    expect(parseAuditKey(` ${Buffer.from(bytes).toString('base64')}\n`)).toEqual(bytes)
    expect(parseAuditKey(Buffer.from(bytes).toString('base64url'))).toEqual(bytes)
    expect(parseAuditKey(Buffer.from(bytes.subarray(1)).toString('base64'))).toBeNull()
    expect(parseAuditKey('correct horse battery staple, not a key at all')).toBeNull()
  })
})
