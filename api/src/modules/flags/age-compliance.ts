import type { Database, FlagKind } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit, type AuditContext } from '../../platform/audit.js'
import { AGE_OF_MAJORITY, latestBirthDateForAge, MINIMUM_AGE, utcDay } from '../../platform/age.js'
import { inTransaction } from '../../platform/transaction.js'

export const AGE_FLAG_KINDS = ['underage_account', 'minor_without_consent'] as const satisfies readonly FlagKind[]
export type AgeFlagKind = (typeof AGE_FLAG_KINDS)[number]

export interface AgeComplianceCounts {
  underage_account_raised: number
  minor_without_consent_raised: number
  resolved: number
}

/** Why Verity closed a flag itself; names no personal value (a birthday, an age). */
const NOTES = {
  erased: 'Resolved by Verity: the account has been erased.',
  no_birth_date: 'Resolved by Verity: no birth date is on file any more.',
  turned_13: `Resolved by Verity: the customer is now ${MINIMUM_AGE} or older.`,
  turned_18: `Resolved by Verity: the customer is now ${AGE_OF_MAJORITY} or older.`,
  consent: "Resolved by Verity: a guardian's consent is on file.",
} as const

/**
 * Finds the accounts that break the age rule today (the UTC day of `ctx.now`) and brings the flags up to date, in one
 * transaction: a customer under 13, or of 13 to 17 with no guardian's consent, who is not erased and has no open flag of
 * that kind gets one (never a duplicate: the check and the insert share the transaction, which on PostgreSQL holds the
 * audit chain's lock that every writer takes first); an open flag whose customer no longer breaks that rule (turned 13
 * or 18, consent recorded, erased, birth date removed) is resolved by Verity with a note.
 *
 * A locked account is not flagged anew: locking is what compliance does with such an account (`lockAccount`), and a
 * flag closed that way must not come back the next day. Unlocked again while still breaking the rule, it is flagged
 * again. Birth dates are compared in SQL against the two cut-off dates, so the check is one scan of `customers`.
 */
export async function checkAgeCompliance(db: Kysely<Database>, ctx: AuditContext): Promise<AgeComplianceCounts> {
  const day = utcDay(ctx.now)
  const cut13 = latestBirthDateForAge(day, MINIMUM_AGE)
  const cut18 = latestBirthDateForAge(day, AGE_OF_MAJORITY)
  const at = ctx.now.toISOString()

  return inTransaction(db, async (trx) => {
    // 1. Open flags whose customer's standing changed.
    const open = await trx
      .selectFrom('flags as f')
      .innerJoin('customers as c', 'c.id', 'f.customer_id')
      .select(['f.id', 'f.kind', 'f.customer_id', 'c.status', 'c.birth_date', 'c.guardian_consent_at'])
      .where('f.kind', 'in', AGE_FLAG_KINDS)
      .where('f.resolved_at', 'is', null)
      .execute()
    let resolved = 0
    for (const f of open) {
      const note =
        f.status === 'erased'
          ? NOTES.erased
          : f.birth_date === null
            ? NOTES.no_birth_date
            : f.kind === 'underage_account'
              ? f.birth_date <= cut13
                ? NOTES.turned_13
                : null
              : f.birth_date > cut13
                ? null // younger than thought (a corrected birth date): the underage flag below takes over, this one stays
                : f.birth_date <= cut18
                  ? NOTES.turned_18
                  : f.guardian_consent_at !== null
                    ? NOTES.consent
                    : null
      if (!note) continue
      const closed = await trx
        .updateTable('flags')
        .set({ resolved_at: at, resolved_by: null, resolution: note })
        .where('id', '=', f.id)
        .where('resolved_at', 'is', null)
        .executeTakeFirst()
      if (closed.numUpdatedRows === 0n) continue
      resolved++
      await audit(trx, ctx, {
        action: 'flag.resolve',
        system: true,
        entityType: 'flag',
        entityId: f.id,
        customerId: f.customer_id,
        details: { kind: f.kind, reason: (Object.keys(NOTES) as (keyof typeof NOTES)[]).find((k) => NOTES[k] === note)! },
      })
    }

    // 2. Accounts breaking the rule with no open flag of that kind.
    const breaking = (kind: AgeFlagKind) => {
      let q = trx
        .selectFrom('customers as c')
        .select('c.id')
        .where('c.status', '=', 'active')
        .where('c.birth_date', 'is not', null)
        .where('c.birth_date', '>', kind === 'underage_account' ? cut13 : cut18)
      if (kind === 'minor_without_consent') q = q.where('c.birth_date', '<=', cut13).where('c.guardian_consent_at', 'is', null)
      return q
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('flags as f')
                .select('f.id')
                .whereRef('f.customer_id', '=', 'c.id')
                .where('f.kind', '=', kind)
                .where('f.resolved_at', 'is', null),
            ),
          ),
        )
        .orderBy('c.id')
        .execute()
    }
    const raised: Record<AgeFlagKind, number> = { underage_account: 0, minor_without_consent: 0 }
    for (const kind of AGE_FLAG_KINDS) {
      for (const { id: customerId } of await breaking(kind)) {
        const { id } = await trx
          .insertInto('flags')
          .values({
            kind,
            customer_id: customerId,
            staff_id: null,
            details: JSON.stringify({ under_age: kind === 'underage_account' ? MINIMUM_AGE : AGE_OF_MAJORITY }),
            created_at: at,
            resolved_at: null,
            resolved_by: null,
            resolution: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await audit(trx, ctx, { action: `flag.${kind}`, system: true, entityType: 'flag', entityId: id, customerId, details: {} })
        raised[kind]++
      }
    }
    return { underage_account_raised: raised.underage_account, minor_without_consent_raised: raised.minor_without_consent, resolved }
  })
}

/** One line for the server's log. */
export function describeAgeCompliance(c: AgeComplianceCounts): string {
  return `Age compliance: ${c.underage_account_raised} under-${MINIMUM_AGE} and ${c.minor_without_consent_raised} unconsented-minor flags raised, ${c.resolved} resolved.`
}
