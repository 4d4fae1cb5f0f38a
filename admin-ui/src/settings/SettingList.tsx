import { Stack, type Theme, useMediaQuery } from '@mui/material'
import { DataTable, DateField, List, NumberField, SimpleList, useTranslate } from 'react-admin'
import { PendingValueChip } from './PendingValue'

type SettingRecord = { id: string; value: number; default: number }

/** The value in force and, beneath it, a value asked for that waits for a compliance officer's approval. */
function Value({ r }: { r: SettingRecord }) {
  return (
    <Stack spacing={0.5} alignItems="flex-end" component="span">
      <NumberField record={r} source="value" />
      <PendingValueChip setting={r.id} />
    </Stack>
  )
}

/** A table on wide screens; on a phone, one line per setting with its value (and any value waiting) beneath its name. */
export default function SettingList() {
  const translate = useTranslate()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const name = (r: SettingRecord) => translate(`verity.settings.names.${r.id}`)
  return (
    <List pagination={false} exporter={false}>
      {small ? (
        <SimpleList<SettingRecord>
          linkType="edit"
          primaryText={name}
          secondaryText={(r) => (
            <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap component="span">
              <span>
                {translate('resources.settings.fields.value')}: <NumberField record={r} source="value" />
              </span>
              <PendingValueChip setting={r.id} />
            </Stack>
          )}
        />
      ) : (
        <DataTable rowClick="edit" bulkActionButtons={false}>
          <DataTable.Col source="id" disableSort render={name} />
          <DataTable.Col source="value" align="right" disableSort render={(r: SettingRecord) => <Value r={r} />} />
          <DataTable.NumberCol source="default" disableSort />
          <DataTable.Col source="updated_at" disableSort field={DateField} />
        </DataTable>
      )}
    </List>
  )
}
