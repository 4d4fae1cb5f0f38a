import { Box, Chip, Link as MuiLink, Stack, type Theme, Typography, useMediaQuery } from '@mui/material'
import { BooleanInput, DataTable, List, RecordContextProvider, SelectInput, SimpleList, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'
import { useDateTime } from '../audit-log/auditText'
import { AgeFlagActions } from './AgeFlagActions'
import { type FlagRecord, useFlagText } from './flagText'
import { ResolveFlagButton } from './ResolveFlagButton'

const KINDS = ['verification_locked', 'agent_probing', 'agent_failing', 'search_rate', 'underage_account', 'minor_without_consent']
const filters = [
  <BooleanInput key="open" source="open" alwaysOn />,
  <SelectInput key="kind" source="kind" choices={KINDS.map((id) => ({ id, name: `verity.flags.kinds.${id}` }))} />,
]

/** What the flag says, a link to its customer, and who resolved it, if anyone. */
function FlagSummary({ flag }: { flag: FlagRecord }) {
  const translate = useTranslate()
  const { sentence, resolvedLine } = useFlagText()
  const resolved = resolvedLine(flag)
  return (
    <Stack spacing={0.5} component="span" sx={{ minWidth: 0 }}>
      <Typography variant="body2" component="span">
        {sentence(flag)}
      </Typography>
      {flag.customer_id !== null && (
        <MuiLink component={Link} to={`/customers/${flag.customer_id}/show`} variant="body2" sx={{ alignSelf: 'flex-start' }}>
          {translate('verity.flags.open_customer', { customer: `#${flag.customer_id}` })}
        </MuiLink>
      )}
      {resolved && (
        <Typography variant="body2" component="span" color="text.secondary">
          {resolved}
        </Typography>
      )}
    </Stack>
  )
}

function FlagActions() {
  return (
    <Stack direction="row" spacing={0.5} alignItems="center" flexWrap="wrap" useFlexGap component="span">
      <AgeFlagActions />
      <ResolveFlagButton />
    </Stack>
  )
}

export default function FlagList() {
  const translate = useTranslate()
  const when = useDateTime()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('md'))
  return (
    <List
      title="verity.flags.title"
      filters={filters}
      filterDefaultValues={{ open: true }}
      sort={{ field: 'id', order: 'DESC' }}
      exporter={false}
    >
      {small ? (
        // On a phone each flag is a card: what, about whom, when, and the actions open to the viewer.
        <SimpleList<FlagRecord>
          linkType={false}
          primaryText={(r) => translate(`verity.flags.kinds.${r.kind}`)}
          tertiaryText={(r) => when(r.created_at)}
          secondaryText={(r) => (
            <Stack spacing={0.5} component="span">
              <FlagSummary flag={r} />
              <Box component="span">
                <RecordContextProvider value={r}>
                  <FlagActions />
                </RecordContextProvider>
              </Box>
            </Stack>
          )}
        />
      ) : (
        <DataTable bulkActionButtons={false} rowClick={false}>
          <DataTable.Col source="created_at" render={(r: FlagRecord) => when(r.created_at)} />
          <DataTable.Col
            source="kind"
            render={(r: FlagRecord) => <Chip size="small" color="warning" label={translate(`verity.flags.kinds.${r.kind}`)} />}
          />
          <DataTable.Col source="details" disableSort render={(r: FlagRecord) => <FlagSummary flag={r} />} />
          <DataTable.Col label="verity.flags.actions_heading" disableSort render={() => <FlagActions />} />
        </DataTable>
      )}
    </List>
  )
}
