import { Typography } from '@mui/material'
import VisibilityIcon from '@mui/icons-material/Visibility'
import {
  Button,
  DataTable,
  DateField,
  DateTimeInput,
  ExportButton,
  List,
  NumberInput,
  TextInput,
  TopToolbar,
  useListContext,
  useTranslate,
} from 'react-admin'
import { ChainCheckButton } from './ChainCheckButton'

type AuditRecord = {
  actor_name: string | null
  actor_id: number | null
  actor_role: string | null
  details: Record<string, unknown>
  reason?: string | null
}

/** One click to the question compliance asks most: who saw a customer unmasked, and on what basis. */
function UnmaskedReadsButton() {
  const { filterValues, setFilters } = useListContext()
  return (
    <Button
      label="verity.audit.unmasked_reads"
      startIcon={<VisibilityIcon />}
      onClick={() => setFilters({ ...filterValues, action: 'customer.read_unmasked' }, {})}
    />
  )
}

const filters = [
  <TextInput key="action" source="action" label="verity.audit.search_action" alwaysOn />,
  <NumberInput key="actor_id" source="actor_id" />,
  <NumberInput key="customer_id" source="customer_id" />,
  <DateTimeInput key="from" source="from" parse={(v: string) => (v ? new Date(v).toISOString() : v)} />,
  <DateTimeInput key="to" source="to" parse={(v: string) => (v ? new Date(v).toISOString() : v)} />,
]

function Details({ details }: { details: Record<string, unknown> }) {
  const text = Object.entries(details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ')
  return (
    <Typography variant="body2" color="text.secondary" sx={{ maxWidth: 420 }}>
      {text}
    </Typography>
  )
}

export default function AuditLogList() {
  const translate = useTranslate()
  return (
    <List
      filters={filters}
      sort={{ field: 'id', order: 'DESC' }}
      actions={
        <TopToolbar>
          <UnmaskedReadsButton />
          <ChainCheckButton />
          <ExportButton />
        </TopToolbar>
      }
    >
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="id" />
        <DataTable.Col source="at" render={(r: AuditRecord & { at: string }) => <DateField record={r} source="at" showTime />} />
        <DataTable.Col
          source="actor_name"
          disableSort
          render={(r: AuditRecord) =>
            r.actor_id ? `${r.actor_name ?? '#' + r.actor_id} (${translate(`verity.roles.${r.actor_role}`)})` : '—'
          }
        />
        <DataTable.Col source="action" />
        <DataTable.Col source="customer_id" disableSort />
        <DataTable.Col source="ip" disableSort />
        <DataTable.Col
          source="details"
          disableSort
          render={(r: AuditRecord) => <Details details={r.reason ? { ...r.details, reason: r.reason } : r.details} />}
        />
      </DataTable>
    </List>
  )
}
