import { DataTable, DateField, List, SelectInput, useTranslate } from 'react-admin'

type OutboxRecord = { template: string; status: string; channel: string }

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
  return (
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="created_at" field={DateField} />
        <DataTable.Col source="template" render={(r: OutboxRecord) => translate(`verity.outbox.templates.${r.template}`)} />
        <DataTable.Col source="channel" render={(r: OutboxRecord) => translate(`verity.channel.${r.channel}`)} />
        <DataTable.Col source="recipient" disableSort />
        <DataTable.Col source="customer_id" disableSort />
        <DataTable.Col source="status" render={(r: OutboxRecord) => translate(`verity.outbox.status.${r.status}`)} />
        <DataTable.Col source="last_error" disableSort />
      </DataTable>
    </List>
  )
}
