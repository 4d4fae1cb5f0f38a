import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smtpTransport } from './outbox.transport.js'

/** A real SMTP conversation with a server on loopback. */
describe('the SMTP transport', () => {
  const received: { to: string[]; data: string }[] = []
  let server: SMTPServer
  let port: number
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let data = ''
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()))
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data })
          done()
        })
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('delivers email and reports it sent; text messages stay recorded', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`, 'Verity <no-reply@store.example.com>')
    const sent = await transport.send({
      channel: 'email',
      recipient: 'wei.wang@163.com',
      subject: 'Your verification code',
      body: 'Your code is 123456.',
    })
    expect(sent).toBe('sent')
    expect(received).toHaveLength(1)
    expect(received[0]!.to).toEqual(['wei.wang@163.com'])
    expect(received[0]!.data).toContain('Your code is 123456.')
    expect(await transport.send({ channel: 'sms', recipient: '+86 138 0000 0000', subject: 's', body: 'b' })).toBe('recorded')
  })

  it('throws when the server cannot be reached, so the outbox records a failure', async () => {
    const transport = smtpTransport('smtp://127.0.0.1:1', 'Verity <no-reply@store.example.com>')
    await expect(transport.send({ channel: 'email', recipient: 'a@b.example', subject: 's', body: 'b' })).rejects.toThrow()
  })
})
