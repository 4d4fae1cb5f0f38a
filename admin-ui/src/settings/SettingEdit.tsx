import { Typography } from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { Edit, NumberInput, type RaRecord, required, SimpleForm, useNotify, useRecordContext, useRedirect, useTranslate } from 'react-admin'
import { PendingValueNotice } from './PendingValue'

function SettingName() {
  const record = useRecordContext<{ id: string }>()
  const translate = useTranslate()
  return record ? <Typography variant="h6">{translate(`verity.settings.names.${record.id}`)}</Typography> : null
}

function SettingValue() {
  const record = useRecordContext<{ id: string }>()
  // Whole numbers, except a privacy budget ε, which takes hundredths: the server checks each against its bounds.
  return <NumberInput source="value" validate={required()} step={record?.id === 'export_epsilon_per_year' ? 0.01 : 1} />
}

/**
 * Saved at once, or (202, `pending_grant`) sent for a compliance officer's approval: loosening a privacy or verification
 * limit needs a second person, and the notice says so instead of "updated".
 */
function useSaved() {
  const notify = useNotify()
  const redirect = useRedirect()
  const queryClient = useQueryClient()
  return (data: RaRecord) => {
    if ((data as { pending_grant?: { id: number; value: number } | null }).pending_grant) {
      notify('verity.grants.settings.sent', { type: 'info' })
      void queryClient.invalidateQueries({ queryKey: ['grants'] })
    } else notify('ra.notification.updated', { type: 'info', messageArgs: { smart_count: 1 } })
    redirect('list', 'settings')
  }
}

export default function SettingEdit() {
  const onSuccess = useSaved()
  return (
    <Edit mutationMode="pessimistic" redirect="list" mutationOptions={{ onSuccess }}>
      <SimpleForm>
        <SettingName />
        <PendingValueNotice />
        <SettingValue />
      </SimpleForm>
    </Edit>
  )
}
