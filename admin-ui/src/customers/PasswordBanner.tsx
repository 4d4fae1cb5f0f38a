import LockIcon from '@mui/icons-material/Lock'
import { Alert } from '@mui/material'
import { useTranslate } from 'react-admin'

/** The policy's promise, in front of every agent: staff never ask for a password. */
export function PasswordBanner() {
  const translate = useTranslate()
  return (
    <Alert severity="info" icon={<LockIcon />} sx={{ mb: 2 }}>
      {translate('verity.password_banner')}
    </Alert>
  )
}
