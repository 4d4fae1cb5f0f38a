import { Typography } from '@mui/material'
import { Edit, NumberInput, required, SimpleForm, useRecordContext, useTranslate } from 'react-admin'

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

export default function SettingEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <SimpleForm>
        <SettingName />
        <SettingValue />
      </SimpleForm>
    </Edit>
  )
}
