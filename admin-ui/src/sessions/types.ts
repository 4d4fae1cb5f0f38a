/** One signed-in browser as GET /api/auth/sessions answers it (api/src/modules/auth/sessions.service.ts). */
export interface Session {
  /** an opaque handle, never the session's token */
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  ip: string | null
  browser: string | null
  os: string | null
  current: boolean
  /** 'signed_in', or a right password still waiting for its second factor ('factor') or enrolment ('enrol') */
  stage: 'signed_in' | 'factor' | 'enrol'
}
