import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../testing.js'
import { deliverMessage, queueMessage } from './outbox.service.js'
import type { Transport } from './outbox.transport.js'

let t: Awaited<ReturnType<typeof createTestApp>>
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

/** A mail server that refuses the address, quoting it as SMTP servers do. */
const bouncing: Transport = {
  name: 'bouncing',
  send: async (m) => {
    throw new Error(`550 5.1.1 <${m.recipient.toUpperCase()}>: Recipient address rejected; also tried <${m.recipient}>`)
  },
}

async function bounce(storedRecipient?: string) {
  const message = { channel: 'email' as const, recipient: 'li.wei.1988@example.com', subject: 'Your request', body: 'Done.' }
  const id = await queueMessage(
    t.db,
    { ...message, customerId: null, template: 'request_notice', storedRecipient, payload: {} },
    new Date(),
  )
  expect(await deliverMessage(t.db, bouncing, id, message, new Date())).toBe('failed')
  return t.db.selectFrom('outbox').select(['recipient', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow()
}

describe('a failed delivery on the record', () => {
  it('keeps the error with the address masked, as the recipient is', async () => {
    const row = await bounce()
    expect(row.last_error).not.toContain('li.wei.1988')
    expect(row.last_error).toMatch(/^550 5\.1\.1 <l\*+@example\.com>: Recipient address rejected; also tried <l\*+@example\.com>$/)
  })

  it('keeps not even the masked address of an erased customer: the error says what the record says', async () => {
    const row = await bounce('[erased]')
    expect(row).toEqual({ recipient: '[erased]', last_error: '550 5.1.1 <[erased]>: Recipient address rejected; also tried <[erased]>' })
  })
})
