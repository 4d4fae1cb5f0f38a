import { Chip } from '@mui/material'
import { CreateButton, DataTable, DateField, ExportButton, List, SearchInput, SelectInput, TopToolbar, useTranslate } from 'react-admin'
import { RoleInput, STATUS_CHOICES, useRoleName } from './StaffInputs'

type StaffRecord = { id: number; role: string; status: string }

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <RoleInput key="role" />,
  <SelectInput key="status" source="status" choices={STATUS_CHOICES} />,
]

export default function StaffList() {
  const roleName = useRoleName()
  const translate = useTranslate()
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
      <DataTable rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="email" />
        <DataTable.Col source="role" render={(r: StaffRecord) => roleName(r.role)} />
        <DataTable.Col
          source="status"
          render={(r: StaffRecord) => (
            <Chip size="small" color={r.status === 'active' ? 'success' : 'default'} label={translate(`verity.status.${r.status}`)} />
          )}
        />
        <DataTable.Col source="last_login_at" field={DateField} />
      </DataTable>
    </List>
  )
}
