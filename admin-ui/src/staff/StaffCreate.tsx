import { Create, PasswordInput, required, SimpleForm, TextInput } from 'react-admin'
import { RoleInput, validateEmail, validatePassword } from './StaffInputs'

export default function StaffCreate() {
  return (
    <Create redirect="list" mutationMode="pessimistic">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <TextInput source="email" type="email" validate={validateEmail} />
        <RoleInput validate={required()} />
        <PasswordInput source="password" validate={validatePassword} autoComplete="new-password" />
      </SimpleForm>
    </Create>
  )
}
