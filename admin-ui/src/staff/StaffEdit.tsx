import { Edit, required, SelectInput, SimpleForm, TextInput, TopToolbar } from 'react-admin'
import { StaffPasswordButton } from './StaffPasswordButton'
import { RoleInput, STATUS_CHOICES } from './StaffInputs'

export default function StaffEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      actions={
        <TopToolbar>
          <StaffPasswordButton />
        </TopToolbar>
      }
    >
      <SimpleForm>
        <TextInput source="email" disabled />
        <TextInput source="name" validate={required()} />
        <RoleInput validate={required()} />
        <SelectInput source="status" choices={STATUS_CHOICES} validate={required()} />
      </SimpleForm>
    </Edit>
  )
}
