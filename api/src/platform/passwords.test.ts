import { Piscina } from 'piscina'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js'

afterEach(() => vi.restoreAllMocks())

describe('passwords', () => {
  it('hashes with argon2id and checks a password against its hash', async () => {
    const hash = await hashPassword('a long enough password')
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(hash, 'a long enough password')).toBe(true)
    expect(await verifyPassword(hash, 'another password here')).toBe(false)
    expect(await verifyPassword('not a hash at all', 'a long enough password')).toBe(false)
  })

  it('answers an unknown email as a wrong password even when hashing fails, and makes the decoy again next time', async () => {
    const run = vi.spyOn(Piscina.prototype, 'run').mockRejectedValueOnce(new Error('the hashing pool failed'))
    // the first check makes the decoy hash: it fails, and the check still ends as a wrong password would
    await expect(burnPasswordCheck('anything at all')).resolves.toBeUndefined()
    run.mockRestore()
    const timed = vi.spyOn(Piscina.prototype, 'run')
    await burnPasswordCheck('anything at all')
    // made again (hash), then checked against (verify): the failure was not kept
    expect(timed.mock.calls.map(([task]) => (task as { op: string }).op)).toEqual(['hash', 'verify'])
  })
})
