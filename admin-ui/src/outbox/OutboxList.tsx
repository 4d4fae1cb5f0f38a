import { type Theme, useMediaQuery } from '@mui/material'
import { DataTable, DateField, List, SelectInput, SimpleList, useTranslate } from 'react-admin'
import { useDateTime } from '../audit-log/auditText'

type OutboxRecord = {
  id: number
  template: string
  status: string
  channel: string
  recipient: string
  created_at: string
  last_error: string | null
}

const filters = [
  <SelectInput
    key="status"
    source="status"
    choices={['queued', 'sent', 'recorded', 'failed'].map((id) => ({ id, name: `verity.outbox.status.${id}` }))}
    alwaysOn
  />,
  <SelectInput
    key="template"
    source="template"
    choices={['password_reset', 'verification_code', 'request_receipt', 'request_notice', 'staff_password_link'].map((id) => ({
      id,
      name: `verity.outbox.templates.${id}`,
    }))}
  />,
]

export default function OutboxList() {
  const translate = useTranslate()
  const when = useDateTime()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('md'))
  return (
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }} exporter={false}>
      {small ? (
        // On a phone each message is a line: what, to whom (masked) by which channel, whether it went, and why not.
        <SimpleList<OutboxRecord>
          linkType={false}
          primaryText={(r) => translate(`verity.outbox.templates.${r.template}`)}
          tertiaryText={(r) => when(r.created_at)}
          secondaryText={(r) =>
            [translate(`verity.channel.${r.channel}`), r.recipient, translate(`verity.outbox.status.${r.status}`), r.last_error]
              .filter(Boolean)
              .join(' · ')
          }
        />
      ) : (
        <DataTable bulkActionButtons={false} rowClick={false}>
          <DataTable.Col source="created_at" field={DateField} />
          <DataTable.Col source="template" render={(r: OutboxRecord) => translate(`verity.outbox.templates.${r.template}`)} />
          <DataTable.Col source="channel" render={(r: OutboxRecord) => translate(`verity.channel.${r.channel}`)} />
          <DataTable.Col source="recipient" disableSort />
          <DataTable.Col source="customer_id" disableSort />
          <DataTable.Col source="status" render={(r: OutboxRecord) => translate(`verity.outbox.status.${r.status}`)} />
          <DataTable.Col source="last_error" disableSort />
        </DataTable>
      )}
    </List>
  )
}
