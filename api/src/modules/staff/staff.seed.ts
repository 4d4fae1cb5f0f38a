import { randomBytes } from 'node:crypto'
import type { Database, StaffRole } from '@verity/db'
import type { Kysely } from 'kysely'
import { audit } from '../../platform/audit.js'
import { hashPassword } from '../../platform/passwords.js'
import { inTransaction } from '../../platform/transaction.js'

export const SEED_STAFF: { email: string; name: string; role: StaffRole }[] = [
  { email: 'agent@example.com', name: 'Li Na', role: 'agent' },
  { email: 'compliance@example.com', name: 'Chen Jing', role: 'compliance' },
  { email: 'manager@example.com', name: 'Zhao Lei', role: 'manager' },
  { email: 'admin@example.com', name: 'Wang Fang', role: 'admin' },
]

/** Creates the four demo staff accounts on an empty staff table; returns the password, or null when staff exist. */
export async function seedStaff(
  db: Kysely<Database>,
  auditKey: Uint8Array,
  password?: string,
): Promise<{ password: string; generated: boolean } | null> {
  const existing = await db.selectFrom('staff_users').select('id').limit(1).executeTakeFirst()
  if (existing) return null
  const generated = !password
  const chosen = password ?? randomBytes(12).toString('base64url')
  const passwordHash = await hashPassword(chosen)
  const now = new Date()
  await inTransaction(db, async (trx) => {
    for (const s of SEED_STAFF) {
      const { id } = await trx
        .insertInto('staff_users')
        .values({ ...s, created_at: now.toISOString(), updated_at: now.toISOString(), last_login_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('staff_credentials')
        .values({ staff_id: id, password_hash: passwordHash, changed_at: now.toISOString() })
        .execute()
      await audit(
        trx,
        { staff: null, ip: null, now, config: { auditKey } },
        { action: 'staff.create', system: true, entityType: 'staff', entityId: id, details: { role: s.role, seeded: true } },
      )
    }
  })
  return { password: chosen, generated }
}
