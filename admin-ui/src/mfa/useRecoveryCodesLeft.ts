import { useNotify } from 'react-admin'

/**
 * After a recovery code was given (POST /api/auth/mfa answers `recoveryCodesLeft`), says how many are left and where
 * to set up a new authenticator; says nothing after a code from the app (null).
 */
export function useRecoveryCodesLeft() {
  const notify = useNotify()
  return (left: number | null | undefined) => {
    if (left === null || left === undefined) return
    notify('verity.mfa.recovery.used', { type: 'warning', messageArgs: { smart_count: left }, autoHideDuration: 10_000 })
  }
}
