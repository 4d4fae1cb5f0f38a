import { Chip } from '@mui/material'
import { useTranslate } from 'react-admin'

/** What a staff row says of its second factor. */
export interface FactorFields {
  factor?: 'totp' | null
  /** the role must have one and the account has none */
  lacks_factor?: boolean
}

/** A staff row's second factor (GET /api/staff): on, off, or missing where the role must have one. */
export function FactorChip({ record }: { record: FactorFields }) {
  const translate = useTranslate()
  if (record.factor) return <Chip size="small" color="success" variant="outlined" label={translate('verity.mfa.staff.on')} />
  if (record.lacks_factor) return <Chip size="small" color="warning" label={translate('verity.mfa.staff.missing')} />
  return <Chip size="small" variant="outlined" label={translate('verity.mfa.staff.off')} />
}
