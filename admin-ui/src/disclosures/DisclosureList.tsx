import { Chip } from '@mui/material'
import { CreateButton, DataTable, DateField, List, SearchInput, SelectInput, TextInput, TopToolbar, useTranslate } from 'react-admin'
import { choicesOf, QUEUES, STATUSES, TYPES } from './choices'
import type { DisclosureRecord } from './types'

type Row = Pick<DisclosureRecord, 'status' | 'type' | 'open' | 'noticeDue'>

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

export default function DisclosureList() {
  const translate = useTranslate()
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
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="receivedAt" field={DateField} />
        <DataTable.Col source="type" render={(r: Row) => translate(`verity.disclosures.types.${r.type}`)} />
        <DataTable.Col source="authority" disableSort />
        <DataTable.Col source="caseNumber" disableSort />
        <DataTable.Col source="jurisdiction" disableSort />
        <DataTable.Col source="dueAt" field={DateField} />
        <DataTable.Col
          source="status"
          render={(r: Row) => (
            <>
              <StatusChip status={r.status} open={r.open} />{' '}
              {r.noticeDue && <Chip size="small" color="info" label={translate('verity.disclosures.queues.notice_due')} />}
            </>
          )}
        />
      </DataTable>
    </List>
  )
}
