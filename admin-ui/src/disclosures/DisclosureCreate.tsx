import { Create, SimpleForm, useNotify, useRedirect } from 'react-admin'
import { DisclosureInputs } from './DisclosureInputs'
import { subjectRefs } from './SubjectsInput'
import type { DisclosureRecord } from './types'

/** Logs a request received under legal process, its subjects added by the identifiers it names. */
export default function DisclosureCreate() {
  const notify = useNotify()
  const redirect = useRedirect()
  return (
    <Create
      mutationMode="pessimistic"
      transform={({ subjects, ...fields }: Partial<DisclosureRecord>) => ({ ...fields, subjects: subjectRefs(subjects) })}
      mutationOptions={{
        onSuccess: (created: DisclosureRecord) => {
          notify('verity.disclosures.logged', { type: 'success', messageArgs: { id: created.id } })
          redirect('show', 'disclosures', created.id)
        },
      }}
    >
      <SimpleForm defaultValues={{ type: 'subpoena', categoriesRequested: [], holdRequested: false, subjects: [] }}>
        <DisclosureInputs />
      </SimpleForm>
    </Create>
  )
}
