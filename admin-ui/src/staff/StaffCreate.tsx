import { Create, required, SimpleForm, TextInput } from 'react-admin'
import { Alert } from '@mui/material'
import { useTranslate } from 'react-admin'
import { RoleInput, validateEmail } from './StaffInputs'

/** No password field: the API emails the new staff member a set-password link (api/src/modules/staff/set-password.ts). */
export default function StaffCreate() {
  const translate = useTranslate()
  return (
    <Create redirect="list" mutationMode="pessimistic">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <TextInput source="email" type="email" validate={validateEmail} />
        <RoleInput validate={required()} />
        <Alert severity="info" sx={{ maxWidth: '40rem' }}>
          {translate('verity.staff.create_help')}
        </Alert>
      </SimpleForm>
    </Create>
  )
}
