import { Alert, Button } from '@mui/material'
import { Edit, SimpleForm, useRecordContext, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { DisclosureInputs } from './DisclosureInputs'
import { subjectRefs } from './SubjectsInput'
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
  'categoriesRequested',
  'emergencyJustification',
  'nondisclosureUntil',
  'holdRequested',
] as const satisfies readonly (keyof DisclosureRecord)[]
/** Optional fields a cleared input leaves as '' mean "none". */
const OPTIONAL = new Set<string>(['requestingOfficer', 'dueAt', 'emergencyJustification', 'nondisclosureUntil'])

/** The form, while the server would take an edit; a closed record says so and points back to its amendments. */
function EditForm() {
  const record = useRecordContext<DisclosureRecord>()
  const translate = useTranslate()
  if (!record) return null
  if (!record.actions.includes('edit')) {
    return (
      <Alert
        severity="info"
        sx={{ m: 2 }}
        action={
          <Button component={Link} to={`/disclosures/${record.id}/show`}>
            {translate('verity.disclosures.back_to_record')}
          </Button>
        }
      >
        {translate('verity.disclosures.closed_no_edit')}
      </Alert>
    )
  }
  return (
    <SimpleForm>
      <DisclosureInputs />
    </SimpleForm>
  )
}

/** Only open records can be edited: a closed one offers no form (and the server answers 409 should one be sent). */
export default function DisclosureEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      redirect="show"
      transform={(record: DisclosureRecord) => ({
        ...Object.fromEntries(EDITABLE.map((field) => [field, OPTIONAL.has(field) ? record[field] || null : record[field]])),
        subjects: subjectRefs(record.subjects),
      })}
    >
      <EditForm />
    </Edit>
  )
}
