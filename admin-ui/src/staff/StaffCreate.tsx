import { Create, required, SimpleForm, TextInput } from 'react-admin'
import { Alert } from '@mui/material'
import { useTranslate } from 'react-admin'
import { useStaffSaved } from './pendingGrant'
import { RoleInput, validateEmail } from './StaffInputs'

/** No password field: the API emails the new staff member a set-password link (api/src/modules/staff/set-password.ts). */
export default function StaffCreate() {
  const translate = useTranslate()
  const onSuccess = useStaffSaved('created')
  return (
    <Create redirect="list" mutationMode="pessimistic" mutationOptions={{ onSuccess }}>
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
