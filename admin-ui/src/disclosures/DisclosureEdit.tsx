import { Edit, SimpleForm } from 'react-admin'
import { DisclosureInputs } from './DisclosureInputs'

type Stored = Record<string, unknown>

/** The stored record (snake_case) in the form's field names, and back out for PUT. */
const toForm = (r: Stored) => ({
  id: r.id,
  type: r.type,
  authority: r.authority,
  requestingOfficer: r.requesting_officer,
  jurisdiction: r.jurisdiction,
  legalBasis: r.legal_basis,
  caseNumber: r.case_number,
  receivedAt: r.received_at,
  dueAt: r.due_at,
  subjectIds: r.subject_ids,
  categoriesRequested: r.categories_requested,
  emergencyJustification: r.emergency_justification,
  nondisclosureUntil: r.nondisclosure_until,
  holdRequested: r.hold_requested,
})
const toDate = (v: unknown) => (typeof v === 'string' && v ? new Date(v).toISOString() : null)

/** Only open records can be edited: the server answers 409 for a closed one, and the form shows why. */
export default function DisclosureEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      redirect="show"
      queryOptions={{ select: (r: Stored) => ({ ...r, ...toForm(r) }) as never }}
      transform={(d: ReturnType<typeof toForm>) => ({
        type: d.type,
        authority: d.authority,
        requestingOfficer: d.requestingOfficer || null,
        jurisdiction: d.jurisdiction,
        legalBasis: d.legalBasis,
        caseNumber: d.caseNumber,
        receivedAt: toDate(d.receivedAt),
        dueAt: toDate(d.dueAt),
        subjectIds: d.subjectIds,
        categoriesRequested: d.categoriesRequested,
        emergencyJustification: d.emergencyJustification || null,
        nondisclosureUntil: toDate(d.nondisclosureUntil),
        holdRequested: d.holdRequested,
      })}
    >
      <SimpleForm>
        <DisclosureInputs />
      </SimpleForm>
    </Edit>
  )
}
