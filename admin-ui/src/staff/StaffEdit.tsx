import { useState } from 'react'
import {
  Edit,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  TopToolbar,
  useGetIdentity,
  useGetList,
  useRecordContext,
  useSaveContext,
  useTranslate,
} from 'react-admin'
import { StaffSessions } from '../sessions'
import { StaffFactorButton } from './StaffFactorButton'
import { StaffPasswordButton } from './StaffPasswordButton'
import { PendingRoleNotice, statusChoicesFor, useStaffSaved, withoutPendingStatus } from './pendingGrant'
import { consequencesOf, StaffConfirmDialog, type StaffState } from './StaffConfirmDialog'
import { RoleInput } from './StaffInputs'

type StaffRecord = StaffState & { id: number; email: string }

/**
 * Why the role and status of this account cannot change, by the server's rules (staff.service.ts assertAdminRemains):
 * nobody demotes or disables themself, and the last active admin stays one.
 */
function useLockedReason(record: StaffRecord | undefined): string | undefined {
  const { identity } = useGetIdentity()
  const activeAdmin = record?.role === 'admin' && record.status === 'active'
  const { total: activeAdmins } = useGetList(
    'staff',
    { filter: { role: 'admin', status: 'active' }, pagination: { page: 1, perPage: 1 } },
    { enabled: activeAdmin },
  )
  if (!record) return undefined
  if (identity && identity.id === record.id) return 'verity.staff.own_account'
  if (activeAdmin && activeAdmins !== undefined && activeAdmins <= 1) return 'verity.staff.last_admin'
  return undefined
}

/** Saves at once unless the change signs the staff member out: then the dialog names the consequence first. */
function StaffEditForm() {
  const translate = useTranslate()
  const record = useRecordContext<StaffRecord>()
  const { save, saving } = useSaveContext()
  const [pending, setPending] = useState<StaffRecord | null>(null)
  const locked = useLockedReason(record)
  const submit = (values: Partial<StaffRecord>) => {
    const after = values as StaffRecord
    if (record && consequencesOf(record, after).length) setPending(after)
    else return save?.(values)
  }
  const lockedProps = locked ? { disabled: true, helperText: translate(locked) } : {}
  return (
    <>
      <SimpleForm onSubmit={submit}>
        <PendingRoleNotice />
        <TextInput source="email" disabled />
        <TextInput source="name" validate={required()} />
        <RoleInput validate={required()} {...lockedProps} />
        <SelectInput source="status" choices={statusChoicesFor(record?.status)} validate={required()} {...lockedProps} />
      </SimpleForm>
      {record && pending && (
        <StaffConfirmDialog
          before={record}
          after={pending}
          saving={saving}
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            await save?.(pending)
            setPending(null)
          }}
        />
      )}
    </>
  )
}

export default function StaffEdit() {
  const onSuccess = useStaffSaved('updated')
  return (
    <Edit
      mutationMode="pessimistic"
      mutationOptions={{ onSuccess }}
      transform={withoutPendingStatus}
      actions={
        <TopToolbar>
          <StaffPasswordButton />
          <StaffFactorButton />
        </TopToolbar>
      }
    >
      <StaffEditForm />
      {/* who is signed in as this person, and where: an admin ends a session that should not be there */}
      <StaffSessions />
    </Edit>
  )
}
