import HowToRegIcon from '@mui/icons-material/HowToReg'
import VisibilityIcon from '@mui/icons-material/Visibility'
import { Box, type Theme, Tooltip, Typography, useMediaQuery } from '@mui/material'
import { use } from 'react'
import {
  AutocompleteInput,
  Button,
  DataTable,
  DateTimeInput,
  ExportButton,
  List,
  NumberInput,
  SelectInput,
  SimpleList,
  TopToolbar,
  useCanAccess,
  useListContext,
  useTranslate,
} from 'react-admin'
import { Link } from 'react-router-dom'
import { PENDING_GRANTS } from '../grants/types'
import { useApiQuery } from '../useApiQuery'
import { AUDIT_ACTION_CODES, type AuditEntry, useAuditText, useDateTime } from './auditText'
import { ChainCheckPanel } from './ChainCheckPanel'

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

/** From the audit desk to the changes that wait for a second person (two-person grants), for whoever may see them. */
function PendingGrantsButton() {
  const { canAccess } = useCanAccess({ resource: 'grants', action: 'list' })
  if (!canAccess) return null
  return <Button component={Link} label="verity.grants.queue.title" startIcon={<HowToRegIcon />} to={PENDING_GRANTS} />
}

/** The actions by their translated names, sorted as the reader's language sorts them. */
function ActionFilter(props: { source: string; alwaysOn?: boolean }) {
  const { actionName } = useAuditText()
  const choices = use(AUDIT_ACTION_CODES)
    .map((id) => ({ id, name: actionName(id) }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return (
    <AutocompleteInput {...props} label="verity.audit.filter.action" choices={choices} translateChoice={false} sx={{ minWidth: 220 }} />
  )
}

/** Staff by name (GET /audit-log/staff: id, name and role only). */
function StaffFilter(props: { source: string; alwaysOn?: boolean }) {
  const translate = useTranslate()
  const staff = useApiQuery<{ id: number; name: string; role: string }[]>(['audit-log', 'staff'], 'audit-log/staff')
  const choices = (staff.data ?? []).map((s) => ({ id: s.id, name: `${s.name} (${translate(`verity.roles.${s.role}`)})` }))
  return <SelectInput {...props} label="verity.audit.filter.staff" choices={choices} translateChoice={false} sx={{ minWidth: 180 }} />
}

const isoOrEmpty = (v: string) => (v ? new Date(v).toISOString() : v)
const filters = [
  <ActionFilter key="action" source="action" alwaysOn />,
  <StaffFilter key="actor_id" source="actor_id" alwaysOn />,
  <NumberInput key="customer_id" source="customer_id" />,
  <DateTimeInput key="from" source="from" parse={isoOrEmpty} />,
  <DateTimeInput key="to" source="to" parse={isoOrEmpty} />,
]

/** A loopback address reads "this machine"; the raw address stays in the tooltip and for screen readers. */
function Address({ ip }: { ip: string | null }) {
  const { address } = useAuditText()
  const shown = address(ip)
  if (ip === null || shown === ip) return <span>{shown}</span>
  return (
    <Tooltip title={ip}>
      <span aria-label={`${shown} (${ip})`}>{shown}</span>
    </Tooltip>
  )
}

function Details({ entry }: { entry: AuditEntry }) {
  const { details } = useAuditText()
  const pairs = details(entry)
  if (!pairs.length) return null
  return (
    <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 1, typography: 'body2' }}>
      {pairs.map((p) => (
        <Box key={p.key} sx={{ display: 'contents' }}>
          <Box component="dt" sx={{ color: 'text.secondary' }}>
            {p.label}
          </Box>
          <Box component="dd" sx={{ m: 0, overflowWrap: 'anywhere' }}>
            {p.value}
          </Box>
        </Box>
      ))}
    </Box>
  )
}

function Sentence({ entry }: { entry: AuditEntry }) {
  const { sentence } = useAuditText()
  return (
    <Typography variant="body2" component="span" sx={{ display: 'block' }}>
      {sentence(entry)}
    </Typography>
  )
}

/** On a phone each entry is its sentence, with when, from where and its details beneath it. */
function AuditSimpleList() {
  const when = useDateTime()
  const { address, details } = useAuditText()
  return (
    <SimpleList<AuditEntry>
      linkType={false}
      primaryText={(e) => <Sentence entry={e} />}
      secondaryText={(e) => (
        <>
          <Box component="span" sx={{ display: 'block' }}>
            {[when(e.at), address(e.ip)].join(' · ')}
          </Box>
          <Box component="span" sx={{ display: 'block', overflowWrap: 'anywhere' }}>
            {details(e)
              .map((p) => `${p.label}: ${p.value}`)
              .join(' · ')}
          </Box>
        </>
      )}
    />
  )
}

export default function AuditLogList() {
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('md'))
  const when = useDateTime()
  return (
    <>
      <ChainCheckPanel />
      <List
        title="verity.audit.title"
        filters={filters}
        sort={{ field: 'id', order: 'DESC' }}
        actions={
          <TopToolbar>
            <UnmaskedReadsButton />
            <PendingGrantsButton />
            <ExportButton />
          </TopToolbar>
        }
      >
        {small ? (
          <AuditSimpleList />
        ) : (
          <DataTable bulkActionButtons={false} rowClick={false}>
            <DataTable.Col source="at" render={(e: AuditEntry) => when(e.at)} />
            <DataTable.Col source="action" label="resources.audit-log.fields.sentence" render={(e: AuditEntry) => <Sentence entry={e} />} />
            <DataTable.Col source="details" disableSort render={(e: AuditEntry) => <Details entry={e} />} />
            <DataTable.Col source="ip" disableSort render={(e: AuditEntry) => <Address ip={e.ip} />} />
          </DataTable>
        )}
      </List>
    </>
  )
}
