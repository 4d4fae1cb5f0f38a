import { Link as MuiLink, Stack, type Theme, useMediaQuery } from '@mui/material'
import { DataTable, DateField, List, SelectInput, SimpleList, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { DaysLeft, RequestStatusChip } from './DaysLeft'
import { choicesOf, DUE, type RequestRow, STATUSES, TYPES } from './types'

const filters = [
  <SelectInput key="status" source="status" choices={choicesOf('statuses', STATUSES)} alwaysOn />,
  <SelectInput key="type" source="type" choices={choicesOf('types', TYPES)} alwaysOn />,
  <SelectInput key="due" source="due" choices={choicesOf('due', DUE)} alwaysOn />,
]

/** The masked customer, linking to their record (where an agent verifies the caller to see more). */
function CustomerLink({ r }: { r: RequestRow }) {
  return (
    <MuiLink component={Link} to={`/customers/${r.customer_id}/show`} onClick={(e) => e.stopPropagation()}>
      #{r.customer_id} {r.customer_name}
    </MuiLink>
  )
}

/** Open requests first by default, soonest due first, so overdue ones lead; days left in words. */
export default function RequestList() {
  const translate = useTranslate()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const type = (r: RequestRow) => translate(`verity.requests.types.${r.type}`)
  return (
    <List
      filters={filters}
      filterDefaultValues={{ status: 'pending' }}
      sort={{ field: 'due_at', order: 'ASC' }}
      exporter={false}
      title={translate('resources.requests.name', { smart_count: 2 })}
    >
      {small ? (
        <SimpleList<RequestRow>
          linkType="show"
          primaryText={(r) => `${type(r)} #${r.id}`}
          secondaryText={(r) => `#${r.customer_id} ${r.customer_name}`}
          tertiaryText={(r) => (r.status === 'pending' ? <DaysLeft request={r} /> : translate(`verity.requests.statuses.${r.status}`))}
        />
      ) : (
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="id" render={(r: RequestRow) => `#${r.id}`} />
          <DataTable.Col source="type" render={type} />
          <DataTable.Col source="customer_name" disableSort render={(r: RequestRow) => <CustomerLink r={r} />} />
          <DataTable.Col source="created_at" field={DateField} />
          <DataTable.Col
            source="due_at"
            render={(r: RequestRow) => (
              <Stack spacing={0.25}>
                <DateField record={r} source="due_at" />
                <DaysLeft request={r} />
              </Stack>
            )}
          />
          <DataTable.Col source="status" render={(r: RequestRow) => <RequestStatusChip status={r.status} />} />
          <DataTable.Col source="filed_by_name" disableSort />
        </DataTable>
      )}
    </List>
  )
}
