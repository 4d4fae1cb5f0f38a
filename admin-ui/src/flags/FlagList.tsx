import { Box, Chip, Stack, type Theme, Typography, useMediaQuery } from '@mui/material'
import { BooleanInput, DataTable, DateField, List, RecordContextProvider, SelectInput, SimpleList, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { AgeFlagActions } from './AgeFlagActions'
import { ResolveFlagButton } from './ResolveFlagButton'

type FlagRecord = {
  id: number
  created_at: string
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
    choices={['verification_locked', 'agent_probing', 'agent_failing', 'search_rate', 'underage_account', 'minor_without_consent'].map(
      (id) => ({
        id,
        name: `verity.flags.kinds.${id}`,
      }),
    )}
  />,
]

export default function FlagList() {
  const translate = useTranslate()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const details = (r: FlagRecord) =>
    Object.entries(r.details)
      .map(([k, v]) => `${translate(`verity.flags.details.${k}`, { _: k })}: ${v}`)
      .join(' · ')
  return (
    <List filters={filters} filterDefaultValues={{ open: true }} sort={{ field: 'id', order: 'DESC' }} exporter={false}>
      {small ? (
        // On a phone each flag is a card: what, about whom, and the one action.
        <SimpleList<FlagRecord>
          linkType={false}
          primaryText={(r) => translate(`verity.flags.kinds.${r.kind}`)}
          secondaryText={(r) => [r.customer_id ? `#${r.customer_id}` : r.staff_name, details(r)].filter(Boolean).join(' · ')}
          tertiaryText={(r) => (
            <Stack direction="row" alignItems="center" spacing={1}>
              <Typography variant="caption">{new Date(r.created_at).toLocaleDateString()}</Typography>
              <Box>
                <RecordContextProvider value={r}>
                  <AgeFlagActions />
                  <ResolveFlagButton />
                </RecordContextProvider>
              </Box>
            </Stack>
          )}
        />
      ) : (
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
          <DataTable.Col source="details" disableSort render={details} />
          <DataTable.Col source="resolution" disableSort />
          <DataTable.Col
            label=""
            disableSort
            render={() => (
              <Stack direction="row" spacing={0.5} alignItems="center">
                <AgeFlagActions />
                <ResolveFlagButton />
              </Stack>
            )}
          />
        </DataTable>
      )}
    </List>
  )
}
