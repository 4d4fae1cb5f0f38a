import { Chip, Stack, type Theme, useMediaQuery } from '@mui/material'
import {
  CreateButton,
  DataTable,
  DateField,
  ExportButton,
  List,
  SearchInput,
  SelectInput,
  SimpleList,
  TopToolbar,
  useTranslate,
} from 'react-admin'
import { AwaitingApprovalChip } from '../grants/GrantChips'
import { FactorChip, type FactorFields } from '../mfa/FactorChip'
import { RoleInput, STATUS_CHOICES, useRoleName } from './StaffInputs'

type StaffRecord = { id: number; name: string; email: string; role: string; status: string; pending_role?: string | null }

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <RoleInput key="role" />,
  <SelectInput key="status" source="status" choices={STATUS_CHOICES} />,
]

function StatusChip({ status }: { status: string }) {
  const translate = useTranslate()
  // a new compliance officer's account waits for another compliance officer's approval (two-person grant)
  if (status === 'pending') return <AwaitingApprovalChip />
  return <Chip size="small" color={status === 'active' ? 'success' : 'default'} label={translate(`verity.status.${status}`)} />
}

/** The role, and the one asked for while it waits for a compliance officer's approval. */
function RoleCell({ r }: { r: StaffRecord }) {
  const roleName = useRoleName()
  return (
    <Stack direction="row" spacing={0.5} alignItems="center" flexWrap="wrap" useFlexGap component="span">
      <span>{roleName(r.role)}</span>
      {r.pending_role && <AwaitingApprovalChip role={r.pending_role} />}
    </Stack>
  )
}

/**
 * On a phone, what needs an admin's eye goes under the email, where there is room: what waits for approval (the account,
 * or the role asked for), and a second factor the role needs and the account lacks.
 */
function EmailAndPending({ r }: { r: StaffRecord & FactorFields }) {
  const account = r.status === 'pending'
  if (!account && !r.pending_role && !r.lacks_factor) return <>{r.email}</>
  return (
    <Stack spacing={0.5} component="span" sx={{ alignItems: 'flex-start', overflowWrap: 'anywhere' }}>
      <span>{r.email}</span>
      {(account || r.pending_role) && <AwaitingApprovalChip role={account ? null : r.pending_role} />}
      {r.lacks_factor && <FactorChip record={r} />}
    </Stack>
  )
}

/** A table on wide screens; on a phone, one line per person with their role and status. */
export default function StaffList() {
  const roleName = useRoleName()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  return (
    <List
      filters={filters}
      sort={{ field: 'name', order: 'ASC' }}
      actions={
        <TopToolbar>
          <CreateButton />
          <ExportButton />
        </TopToolbar>
      }
    >
      {small ? (
        <SimpleList<StaffRecord & FactorFields>
          linkType="edit"
          primaryText={(r) => r.name}
          secondaryText={(r) => <EmailAndPending r={r} />}
          tertiaryText={(r) => roleName(r.role)}
          rightIcon={(r) => (r.status === 'pending' ? null : <StatusChip status={r.status} />)}
        />
      ) : (
        <DataTable rowClick="edit" bulkActionButtons={false}>
          <DataTable.Col source="name" />
          <DataTable.Col source="email" />
          <DataTable.Col source="role" render={(r: StaffRecord) => <RoleCell r={r} />} />
          <DataTable.Col source="status" render={(r: StaffRecord) => <StatusChip status={r.status} />} />
          <DataTable.Col
            source="factor"
            label="verity.mfa.staff.column"
            disableSort
            render={(r: StaffRecord & FactorFields) => <FactorChip record={r} />}
          />
          <DataTable.Col source="last_login_at" field={DateField} />
        </DataTable>
      )}
    </List>
  )
}
