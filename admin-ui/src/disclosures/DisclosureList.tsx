import { Box, Chip, type Theme, useMediaQuery } from '@mui/material'
import {
  CreateButton,
  DataTable,
  DateField,
  List,
  SearchInput,
  SelectInput,
  SimpleList,
  TextInput,
  TopToolbar,
  useTranslate,
} from 'react-admin'
import { useFormats } from '../customers/CustomerSections'
import { choicesOf, QUEUES, STATUSES, TYPES } from './choices'
import type { DisclosureRecord } from './types'

type Row = Pick<
  DisclosureRecord,
  'id' | 'status' | 'type' | 'open' | 'noticeDue' | 'caseNumber' | 'authority' | 'jurisdiction' | 'receivedAt' | 'dueAt'
>

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="queue" source="queue" choices={choicesOf('queues', QUEUES)} alwaysOn />,
  <SelectInput key="status" source="status" choices={choicesOf('statuses', STATUSES)} />,
  <SelectInput key="type" source="type" choices={choicesOf('types', TYPES)} />,
  <TextInput key="jurisdiction" source="jurisdiction" parse={(v: string) => v?.toUpperCase()} />,
]

export function StatusChip({ status, open }: { status: string; open: boolean }) {
  const translate = useTranslate()
  return (
    <Chip
      size="small"
      color={open ? 'warning' : status === 'withdrawn' || status === 'rejected' ? 'default' : 'success'}
      label={translate(`verity.disclosures.statuses.${status}`)}
    />
  )
}

function Status({ row }: { row: Row }) {
  const translate = useTranslate()
  return (
    <Box component="span" sx={{ display: 'inline-flex', flexWrap: 'wrap', gap: 0.5 }}>
      <StatusChip status={row.status} open={row.open} />
      {row.noticeDue && <Chip size="small" color="info" label={translate('verity.disclosures.queues.notice_due')} />}
    </Box>
  )
}

/** On a phone each record is its type and case number, who asked, and when: the columns would not fit. */
function DisclosureSimpleList() {
  const translate = useTranslate()
  const fmt = useFormats()
  return (
    <SimpleList<Row>
      linkType="show"
      primaryText={(r) => (
        <Box component="span" sx={{ overflowWrap: 'anywhere' }}>
          {translate(`verity.disclosures.types.${r.type}`)} · {r.caseNumber}
        </Box>
      )}
      secondaryText={(r) => (
        <Box component="span" sx={{ display: 'block', overflowWrap: 'anywhere' }}>
          {r.authority} ({r.jurisdiction}) · {fmt.date(r.receivedAt)}
        </Box>
      )}
      tertiaryText={(r) => <Status row={r} />}
      sx={{ '& .MuiListItemText-root': { minWidth: 0 } }}
    />
  )
}

export default function DisclosureList() {
  const translate = useTranslate()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  return (
    <List
      filters={filters}
      sort={{ field: 'receivedAt', order: 'DESC' }}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      exporter={false}
    >
      {small ? (
        <DisclosureSimpleList />
      ) : (
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="receivedAt" field={DateField} />
          <DataTable.Col source="type" render={(r: Row) => translate(`verity.disclosures.types.${r.type}`)} />
          <DataTable.Col source="authority" disableSort />
          <DataTable.Col source="caseNumber" disableSort />
          <DataTable.Col source="jurisdiction" disableSort />
          <DataTable.Col source="dueAt" field={DateField} />
          <DataTable.Col source="status" render={(r: Row) => <Status row={r} />} />
        </DataTable>
      )}
    </List>
  )
}
