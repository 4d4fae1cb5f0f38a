import { Edit, SimpleForm } from 'react-admin'
import { DisclosureInputs } from './DisclosureInputs'
import type { DisclosureRecord } from './types'

/** What PUT takes: the record's editable fields, under the names the record itself carries. */
const EDITABLE = [
  'type',
  'authority',
  'requestingOfficer',
  'jurisdiction',
  'legalBasis',
  'caseNumber',
  'receivedAt',
  'dueAt',
  'subjectIds',
  'categoriesRequested',
  'emergencyJustification',
  'nondisclosureUntil',
  'holdRequested',
] as const satisfies readonly (keyof DisclosureRecord)[]
/** Optional fields a cleared input leaves as '' mean "none". */
const OPTIONAL = new Set<string>(['requestingOfficer', 'dueAt', 'emergencyJustification', 'nondisclosureUntil'])

/** Only open records can be edited: the server answers 409 for a closed one, and the form shows why. */
export default function DisclosureEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      redirect="show"
      transform={(record: DisclosureRecord) =>
        Object.fromEntries(EDITABLE.map((field) => [field, OPTIONAL.has(field) ? record[field] || null : record[field]]))
      }
    >
      <SimpleForm>
        <DisclosureInputs />
      </SimpleForm>
    </Edit>
  )
}
