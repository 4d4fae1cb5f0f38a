import { DataTable, DateField, List, useTranslate } from 'react-admin'

type SettingRecord = { id: string }

export default function SettingList() {
  const translate = useTranslate()
  return (
    <List pagination={false} exporter={false}>
      <DataTable rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="id" disableSort render={(r: SettingRecord) => translate(`verity.settings.names.${r.id}`)} />
        <DataTable.NumberCol source="value" disableSort />
        <DataTable.NumberCol source="default" disableSort />
        <DataTable.Col source="updated_at" disableSort field={DateField} />
      </DataTable>
    </List>
  )
}
