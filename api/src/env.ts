import { DEFAULT_DATABASE_URL, STAFF_ROLES, type StaffRole } from '@verity/db'
import { z } from 'zod'
import { AUDIT_KEY_MIN_BYTES, DEFAULT_AUDIT_KEY_FILE, parseAuditKey } from './platform/audit-key.js'

const commaList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean),
  )

/** An empty value counts as unset, as in most .env files; the key itself never appears in a message. */
const auditKey = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .transform((s, ctx) => {
      const key = parseAuditKey(s)
      if (!key) ctx.addIssue({ code: 'custom', message: `must be hex or base64 of at least ${AUDIT_KEY_MIN_BYTES} bytes` })
      return key ?? z.NEVER
    })
    .optional(),
)

/** Roles, comma-separated; unset means the default, an empty value means none. */
const roleList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const roles = s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean)
      const unknown = roles.filter((r) => !(STAFF_ROLES as readonly string[]).includes(r))
      if (unknown.length)
        ctx.addIssue({ code: 'custom', message: `unknown role ${unknown.join(', ')}; roles are ${STAFF_ROLES.join(', ')}` })
      return [...new Set(roles)] as StaffRole[]
    })

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  /** Origins besides the server's own that may call the API with a session (CORS and CSRF), comma-separated. */
  ALLOWED_ORIGINS: commaList,
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  SEED_STAFF_PASSWORD: z.string().min(12, 'SEED_STAFF_PASSWORD must be at least 12 characters').optional(),
  /** smtp:// or smtps:// URL for email to customers; unset, messages are recorded in the outbox and not sent */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().default('Verity <no-reply@store.example.com>'),
  /** the store's page that redeems password-reset tokens */
  STORE_RESET_URL: z.url().default('https://store.example.com/account/reset-password'),
  SEED_CUSTOMERS: z.coerce.number().int().min(0).max(5_000_000).default(2_000),
  /** the audit chain's HMAC key as hex or base64; unset, it is read from AUDIT_KEY_FILE (created on first start) */
  AUDIT_KEY: auditKey,
  AUDIT_KEY_FILE: z.string().min(1).default(DEFAULT_AUDIT_KEY_FILE),
  /** where the audit chain's head is appended every minute, outside the database */
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  /** connections each process keeps to PostgreSQL; instances × processes × this stays under max_connections. At least
   * two: starting, an instance holds one for its turn (`oneAtATime`) while it migrates on another. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2, 'DATABASE_POOL_SIZE must be at least 2').max(500).default(10),
  /** after SIGTERM, seconds of answering 503 on /api/ready while still serving, for a load balancer to notice */
  DRAIN_SECONDS: z.coerce.number().int().min(0).max(300).default(0),
  /** processes serving HTTP on the one port; 0 for one per core. Beside them, one process keeps the scheduled work. */
  WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  /** hours between the server's retention runs (the first comes a few seconds after start); 0 turns them off */
  RETENTION_INTERVAL_HOURS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    // a week at most: a longer delay would overflow Node's timer, and rules counted in days gain nothing from it
    z.coerce
      .number()
      .min(0)
      .max(24 * 7)
      .default(24),
  ),
  /** roles that must give a second factor at sign-in; empty for none (docs/design.md, Contract) */
  MFA_REQUIRED_ROLES: roleList('compliance,admin'),
  /** minutes a second factor given stays fresh for dangerous acts (breaking the glass, releases, erasures, staff changes) */
  MFA_FRESH_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
})

export type Env = z.infer<typeof EnvSchema>

/** Parses the environment once; a bad value stops the process with a message naming it. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment:\n${lines.join('\n')}`)
  }
  return parsed.data
}
