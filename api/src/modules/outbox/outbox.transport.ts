import nodemailer from 'nodemailer'

export interface OutgoingMessage {
  channel: 'email' | 'sms'
  recipient: string
  subject: string
  body: string
}

/** Delivers a message to a customer; answers what became of it. */
export interface Transport {
  readonly name: string
  send(message: OutgoingMessage): Promise<'sent' | 'recorded'>
}

/** The default: records that a message was queued and sends nothing (demo and tests). */
export const recordingTransport: Transport = {
  name: 'record',
  async send() {
    return 'recorded'
  },
}

/** Email over SMTP (`SMTP_URL`, e.g. smtps://user:pass@mail.example.com); text messages stay recorded until an SMS gateway is configured. */
export function smtpTransport(url: string, from: string): Transport {
  const mailer = nodemailer.createTransport(url)
  return {
    name: 'smtp',
    async send(m) {
      if (m.channel !== 'email') return 'recorded'
      await mailer.sendMail({ from, to: m.recipient, subject: m.subject, text: m.body })
      return 'sent'
    },
  }
}
