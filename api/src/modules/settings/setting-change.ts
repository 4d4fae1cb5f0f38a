import type { Database } from '@verity/db'
import type { Kysely } from 'kysely'
import type { StaffContext } from '../../platform/context.js'
import { badRequest, notFound } from '../../platform/errors.js'
import { inTransaction } from '../../platform/transaction.js'
import { fieldErrors } from '../../platform/validation.js'
import { requestGrant } from '../grants/grants.service.js'
import { getSetting, getSettingRecord, needsSecondPerson, SETTINGS, type SettingKey, writeSetting } from './settings.service.js'

/**
 * Changes one setting, or, where a second person must agree, asks for a grant and leaves the value as it is
 * (`pending_grant` in the answer). The value before is read in the same transaction, so the audit's from → to is what
 * happened.
 */
export async function updateSetting(db: Kysely<Database>, ctx: StaffContext, key: string, value: unknown) {
  if (!Object.hasOwn(SETTINGS, key)) throw notFound('Setting')
  const setting = key as SettingKey
  const parsed = SETTINGS[setting].schema.safeParse(value)
  if (!parsed.success) throw badRequest('Invalid value.', { value: fieldErrors(parsed.error.issues)._ ?? 'Invalid value' })
  return inTransaction(db, async (trx) => {
    const before = await getSetting(trx, setting)
    if (needsSecondPerson(setting, before, parsed.data)) {
      const id = await requestGrant(trx, ctx, { kind: 'setting', setting, value: parsed.data, previous: before })
      return { ...(await getSettingRecord(trx, key)), pending_grant: { id, value: parsed.data } }
    }
    await writeSetting(trx, ctx, setting, parsed.data)
    return { ...(await getSettingRecord(trx, key)), pending_grant: null }
  })
}
