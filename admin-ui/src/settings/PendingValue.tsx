import { Alert, Chip, Link as MuiLink } from '@mui/material'
import { useRecordContext, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { useGrantText } from '../grants/grantText'
import { PENDING_GRANTS } from '../grants/types'
import { usePendingGrants } from '../grants/usePendingGrants'

/** In the list: the value asked for that waits for a compliance officer's approval, if any. */
export function PendingValueChip({ setting }: { setting: string }) {
  const translate = useTranslate()
  const { number } = useGrantText()
  const grant = usePendingGrants().forSetting(setting)
  if (!grant) return null
  return (
    <Chip
      size="small"
      color="warning"
      variant="outlined"
      label={translate('verity.grants.settings.pending_value', { value: number(grant.value) })}
    />
  )
}

/** On the edit page: the value asked for, by whom and when, until a compliance officer decides. */
export function PendingValueNotice() {
  const record = useRecordContext<{ id: string }>()
  const translate = useTranslate()
  const { number, requestedLine } = useGrantText()
  const grant = usePendingGrants().forSetting(record?.id ?? '')
  if (!grant) return null
  return (
    <Alert severity="warning" sx={{ mb: 2, maxWidth: '40rem' }}>
      {translate('verity.grants.settings.pending_notice', {
        value: number(grant.value),
        requester: grant.requested_by_name ?? `#${grant.requested_by}`,
      })}{' '}
      {requestedLine(grant)}{' '}
      <MuiLink component={Link} to={PENDING_GRANTS}>
        {translate('verity.grants.see_pending')}
      </MuiLink>
    </Alert>
  )
}
