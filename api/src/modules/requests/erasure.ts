import { lockForUpdate } from '@verity/db'
import { because, conflict } from '../../platform/errors.js'
import type { Trx } from '../../platform/transaction.js'
import { isUnderLegalHold } from '../disclosures/legal-holds.js'

export interface ErasureCertificate {
  customer_id: number
  erased_at: string
  /** rows deleted, per table: counts, never values */
  deleted: Record<string, number>
  /** rows kept with their personal data cleared, per table */
  anonymised: Record<string, number>
  /** what stays, and why, as keys: orders (amounts for the accounts), customer_row (id, country, signup date), records (audit log and disclosures, by id only) */
  kept: ('orders' | 'customer_row' | 'records')[]
}

const count = (result: { numDeletedRows?: bigint; numUpdatedRows?: bigint }[]) =>
  result.reduce((n, r) => n + Number(r.numDeletedRows ?? r.numUpdatedRows ?? 0n), 0)

/**
 * Carries out an erasure (promise 5), inside the caller's transaction so that all of it or none lands: deletes the
 * address book, saved cards, access logs, credentials and reset links; anonymises the customer row; strips names,
 * addresses and phones from the orders kept for the accounts; clears what requests and messages held about the person.
 * Refused while the customer is under a legal hold. Answers the certificate: what was removed, in counts.
 */
export async function executeErasure(trx: Trx, customerId: number, now: Date): Promise<ErasureCertificate> {
  // The customer row is locked before the hold is read, as placing a hold locks it: the two never cross.
  await lockForUpdate(trx, trx.selectFrom('customers').select('id').where('id', '=', customerId)).execute()
  if (await isUnderLegalHold(trx, customerId)) {
    throw because('legal_hold', conflict('This customer is under a legal hold: nothing may be erased until compliance releases it.'))
  }
  // One statement per table, spelled out: Kysely types each table's customer_id on its own.
  const byCustomer = (
    table: 'addresses' | 'payment_methods' | 'access_logs' | 'customer_credentials' | 'password_reset_tokens' | 'search_hits',
  ) =>
    trx
      .deleteFrom(table as 'addresses')
      .where('customer_id', '=', customerId)
      .execute()
  const deleted = {
    addresses: count(await byCustomer('addresses')),
    payment_methods: count(await byCustomer('payment_methods')),
    access_logs: count(await byCustomer('access_logs')),
    customer_credentials: count(await byCustomer('customer_credentials')),
    password_reset_tokens: count(await byCustomer('password_reset_tokens')),
    search_hits: count(await byCustomer('search_hits')),
    request_attachments: count(
      await trx
        .deleteFrom('request_attachments')
        .where('request_id', 'in', trx.selectFrom('data_requests').select('id').where('customer_id', '=', customerId))
        .execute(),
    ),
    request_exports: count(
      await trx
        .deleteFrom('request_exports')
        .where('request_id', 'in', trx.selectFrom('data_requests').select('id').where('customer_id', '=', customerId))
        .execute(),
    ),
  }
  const anonymised = {
    orders: count([
      await trx
        .updateTable('orders')
        .set({ ship_name: null, ship_address: null, ship_phone: null })
        .where('customer_id', '=', customerId)
        .executeTakeFirst(),
    ]),
    outbox: count([
      await trx
        .updateTable('outbox')
        .set({ recipient: '[erased]', payload: '{}', last_error: null })
        .where('customer_id', '=', customerId)
        .executeTakeFirst(),
    ]),
    // Who called (a guardian's name), and what staff wrote about the person in reasons and notes.
    verifications: count([
      await trx.updateTable('verifications').set({ caller_name: null }).where('customer_id', '=', customerId).executeTakeFirst(),
    ]),
    unmask_grants: count([
      await trx
        .updateTable('unmask_grants')
        .set({ reason: '[erased with the customer]' })
        .where('customer_id', '=', customerId)
        .executeTakeFirst(),
    ]),
    // The proposed values of edit requests and the names of who called are personal too; the requests stay, as records.
    data_requests: count([
      await trx
        .updateTable('data_requests')
        .set({ changes: null, caller_name: null, decision_note: null, extension_reason: null })
        .where('customer_id', '=', customerId)
        .executeTakeFirst(),
    ]),
    customers: count([
      await trx
        .updateTable('customers')
        .set({
          first_name: null,
          last_name: null,
          first_name_folded: null,
          last_name_folded: null,
          email: null,
          phone: null,
          birth_date: null,
          gender: null,
          region: null,
          city: null,
          guardian_name: null,
          guardian_consent_at: null,
          last_login_at: null,
          marketing_opt_in: 0,
          status: 'erased',
        })
        .where('id', '=', customerId)
        .executeTakeFirst(),
    ]),
  }
  return {
    customer_id: customerId,
    erased_at: now.toISOString(),
    deleted,
    anonymised,
    kept: ['orders', 'customer_row', 'records'],
  }
}
