import { Create, SimpleForm } from 'react-admin'
import { DisclosureInputs } from './DisclosureInputs'

export default function DisclosureCreate() {
  return (
    <Create redirect="show" mutationMode="pessimistic">
      <SimpleForm defaultValues={{ type: 'subpoena', categoriesRequested: [], holdRequested: false }}>
        <DisclosureInputs />
      </SimpleForm>
    </Create>
  )
}
