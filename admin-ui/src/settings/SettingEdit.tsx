import { Typography } from '@mui/material'
import { Edit, NumberInput, required, SimpleForm, useRecordContext, useTranslate } from 'react-admin'

function SettingName() {
  const record = useRecordContext<{ id: string }>()
  const translate = useTranslate()
  return record ? <Typography variant="h6">{translate(`verity.settings.names.${record.id}`)}</Typography> : null
}

export default function SettingEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <SimpleForm>
        <SettingName />
        <NumberInput source="value" validate={required()} step={1} />
      </SimpleForm>
    </Edit>
  )
}
