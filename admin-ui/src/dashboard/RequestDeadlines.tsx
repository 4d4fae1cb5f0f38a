import EventBusyIcon from '@mui/icons-material/EventBusy'
import { Box, Button, Card, CardContent, Skeleton, Stack, Typography } from '@mui/material'
import { useGetList, useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'

/** The request list filtered as the count was: the same `due` filter the API counts by. */
const listOf = (due: 'overdue' | 'this_week') => `/requests?${new URLSearchParams({ filter: JSON.stringify({ due }) })}`

function DueCount({ due }: { due: 'overdue' | 'this_week' }) {
  const translate = useTranslate()
  // One row is enough: the list's total is the count.
  const { total, isPending } = useGetList('requests', { filter: { due }, pagination: { page: 1, perPage: 1 } })
  const urgent = due === 'overdue' && !!total
  return (
    <Button
      component={Link}
      to={listOf(due)}
      variant="outlined"
      color={urgent ? 'error' : 'primary'}
      sx={{ flex: 1, flexDirection: 'column', alignItems: 'flex-start', textTransform: 'none', py: 1.5 }}
    >
      <Typography variant="h4" component="span" color={urgent ? 'error' : 'text.primary'}>
        {isPending ? <Skeleton width={32} /> : (total ?? 0)}
      </Typography>
      <Typography variant="body2" component="span">
        {translate(`verity.dashboard.requests.${due}`)}
      </Typography>
    </Button>
  )
}

/** For compliance: how many requests are past their deadline, and how many fall due within the week. */
export function RequestDeadlines() {
  const translate = useTranslate()
  return (
    <Card sx={{ mt: 2 }}>
      <CardContent>
        <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
          <EventBusyIcon color="primary" fontSize="large" />
          <Box>
            <Typography variant="h6" component="h2">
              {translate('verity.dashboard.requests.title')}
            </Typography>
            <Typography color="text.secondary">{translate('verity.dashboard.requests.body')}</Typography>
          </Box>
        </Stack>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
          <DueCount due="overdue" />
          <DueCount due="this_week" />
        </Stack>
      </CardContent>
    </Card>
  )
}
