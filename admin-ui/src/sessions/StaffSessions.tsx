import { Box, Typography } from '@mui/material'
import { useRecordContext, useTranslate } from 'react-admin'
import { SessionList } from './SessionList'

/**
 * An admin's view of one staff member's sessions, for the staff edit page: the account's record by default, or the
 * account named by the props.
 */
export function StaffSessions({ staffId, name }: { staffId?: number; name?: string }) {
  const translate = useTranslate()
  const record = useRecordContext<{ id: number; name: string }>()
  const id = staffId ?? record?.id
  const owner = name ?? record?.name
  if (id === undefined) return null
  return (
    <Box component="section" aria-labelledby="staff-sessions-heading" sx={{ mt: 2 }}>
      <Typography id="staff-sessions-heading" component="h2" variant="h6" gutterBottom>
        {translate('verity.sessions.staff_heading', { name: owner ?? `#${id}` })}
      </Typography>
      <SessionList path={`staff/${id}/sessions`} owner={owner} />
    </Box>
  )
}
