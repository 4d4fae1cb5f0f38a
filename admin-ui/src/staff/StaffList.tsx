import { Chip, type Theme, useMediaQuery } from '@mui/material'
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
import { RoleInput, STATUS_CHOICES, useRoleName } from './StaffInputs'

type StaffRecord = { id: number; name: string; email: string; role: string; status: string }

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <RoleInput key="role" />,
  <SelectInput key="status" source="status" choices={STATUS_CHOICES} />,
]

function StatusChip({ status }: { status: string }) {
  const translate = useTranslate()
  return <Chip size="small" color={status === 'active' ? 'success' : 'default'} label={translate(`verity.status.${status}`)} />
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
        <SimpleList<StaffRecord>
          linkType="edit"
          primaryText={(r) => r.name}
          secondaryText={(r) => r.email}
          tertiaryText={(r) => roleName(r.role)}
          rightIcon={(r) => <StatusChip status={r.status} />}
        />
      ) : (
        <DataTable rowClick="edit" bulkActionButtons={false}>
          <DataTable.Col source="name" />
          <DataTable.Col source="email" />
          <DataTable.Col source="role" render={(r: StaffRecord) => roleName(r.role)} />
          <DataTable.Col source="status" render={(r: StaffRecord) => <StatusChip status={r.status} />} />
          <DataTable.Col source="last_login_at" field={DateField} />
        </DataTable>
      )}
    </List>
  )
}
