import { Chip } from '@mui/material'
import { BooleanInput, DataTable, DateField, List, SelectInput, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { ResolveFlagButton } from './ResolveFlagButton'

type FlagRecord = {
  kind: string
  customer_id: number | null
  staff_name: string | null
  resolved_at: string | null
  details: Record<string, unknown>
}

const filters = [
  <BooleanInput key="open" source="open" alwaysOn />,
  <SelectInput
    key="kind"
    source="kind"
    choices={['verification_locked', 'agent_probing', 'agent_failing', 'search_rate'].map((id) => ({
      id,
      name: `verity.flags.kinds.${id}`,
    }))}
  />,
]

export default function FlagList() {
  const translate = useTranslate()
  return (
    <List filters={filters} filterDefaultValues={{ open: true }} sort={{ field: 'id', order: 'DESC' }} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="created_at" field={DateField} />
        <DataTable.Col
          source="kind"
          render={(r: FlagRecord) => <Chip size="small" color="warning" label={translate(`verity.flags.kinds.${r.kind}`)} />}
        />
        <DataTable.Col
          source="customer_id"
          disableSort
          render={(r: FlagRecord) => (r.customer_id ? <Link to={`/customers/${r.customer_id}/show`}>#{r.customer_id}</Link> : '—')}
        />
        <DataTable.Col source="staff_id" disableSort render={(r: FlagRecord) => r.staff_name ?? '—'} />
        <DataTable.Col
          source="details"
          disableSort
          render={(r: FlagRecord) =>
            Object.entries(r.details)
              .map(([k, v]) => `${translate(`verity.flags.details.${k}`, { _: k })}: ${v}`)
              .join(' · ')
          }
        />
        <DataTable.Col source="resolution" disableSort />
        <DataTable.Col label="" disableSort render={() => <ResolveFlagButton />} />
      </DataTable>
    </List>
  )
}
