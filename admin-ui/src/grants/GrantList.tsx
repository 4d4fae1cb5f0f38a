import { Alert, Box, Stack, type Theme, Typography, useMediaQuery } from '@mui/material'
import { DataTable, List, RecordContextProvider, SelectInput, SimpleList, useGetIdentity, usePermissions, useTranslate } from 'react-admin'
import { useDateTime } from '../audit-log/auditText'
import { GrantActions } from './GrantActions'
import { GrantStatusChip } from './GrantChips'
import { useGrantText } from './grantText'
import { type GrantRow, STATUS_CHOICES } from './types'

const filters = [<SelectInput key="status" source="status" choices={STATUS_CHOICES} alwaysOn />]

/** What is asked, by whom and when, and who decided; a note when the viewer asked for it and someone else decides. */
function GrantSummary({ grant }: { grant: GrantRow }) {
  const translate = useTranslate()
  const text = useGrantText()
  const { identity } = useGetIdentity()
  const decided = text.decidedLine(grant)
  const mine = grant.status === 'pending' && identity !== undefined && String(identity.id) === String(grant.requested_by)
  return (
    <Stack spacing={0.5} component="span" sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>
      <Typography variant="body2" component="span">
        {text.sentence(grant)}
      </Typography>
      {decided && (
        <Typography variant="body2" component="span" color="text.secondary">
          {decided}
        </Typography>
      )}
      {mine && (
        <Typography variant="body2" component="span" color="text.secondary">
          {translate('verity.grants.yours')}
        </Typography>
      )}
    </Stack>
  )
}

/** Who may decide here, said once above the list: an admin reads, a compliance officer decides others' requests. */
function WhoDecides() {
  const translate = useTranslate()
  const { permissions: role } = usePermissions<string>()
  if (!role) return null
  return (
    <Alert severity="info" sx={{ mt: 2 }}>
      {translate(role === 'compliance' ? 'verity.grants.intro.compliance' : 'verity.grants.intro.admin')}
    </Alert>
  )
}

/**
 * Changes that wait for a second person: the compliance role for a staff member, and settings that loosen a privacy or
 * verification limit. Waiting ones first (the default filter); each in plain words with the steps open to the viewer.
 */
export default function GrantList() {
  const when = useDateTime()
  const text = useGrantText()
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('md'))
  return (
    <>
      <WhoDecides />
      <List
        title="verity.grants.title"
        filters={filters}
        filterDefaultValues={{ status: 'pending' }}
        sort={{ field: 'requested_at', order: 'DESC' }}
        exporter={false}
      >
        {small ? (
          // On a phone each grant is a card: what is asked, when, its status, and the steps open to the viewer.
          <SimpleList<GrantRow>
            linkType={false}
            primaryText={(g) => <GrantSummary grant={g} />}
            secondaryText={(g) => (
              <Stack spacing={1} component="span" sx={{ mt: 0.5 }}>
                <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap component="span">
                  <GrantStatusChip status={g.status} />
                  <Box component="span">{text.requestedLine(g)}</Box>
                </Stack>
                <RecordContextProvider value={g}>
                  <GrantActions />
                </RecordContextProvider>
              </Stack>
            )}
          />
        ) : (
          <DataTable bulkActionButtons={false} rowClick={false}>
            <DataTable.Col source="requested_at" render={(g: GrantRow) => when(g.requested_at)} />
            <DataTable.Col
              source="kind"
              label="resources.grants.fields.request"
              disableSort
              render={(g: GrantRow) => <GrantSummary grant={g} />}
            />
            <DataTable.Col source="status" disableSort render={(g: GrantRow) => <GrantStatusChip status={g.status} />} />
            <DataTable.Col label="resources.grants.fields.actions" disableSort render={() => <GrantActions />} />
          </DataTable>
        )}
      </List>
    </>
  )
}
