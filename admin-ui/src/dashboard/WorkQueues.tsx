import { Box, Button, Card, CardContent, Skeleton, Stack, Typography } from '@mui/material'
import type { ReactNode } from 'react'
import { useTranslate } from 'react-admin'
import { Link } from 'react-router-dom'

/** A list of the console filtered as a count was counted: react-admin reads the filter from the address. */
export const listLink = (resource: string, filter: object) => `/${resource}?${new URLSearchParams({ filter: JSON.stringify(filter) })}`

export interface Queue {
  key: string
  label: string
  count: number | undefined
  to: string
  /** the count is work past its time: shown in the error colour while above zero */
  urgent?: boolean
}

/** One count that opens the list it counts; its accessible name is the count and what it counts ("3 Overdue"). */
function QueueLink({ queue }: { queue: Queue }) {
  const urgent = !!queue.urgent && !!queue.count
  return (
    <Button
      component={Link}
      to={queue.to}
      variant="outlined"
      color={urgent ? 'error' : 'primary'}
      sx={{ flexDirection: 'column', alignItems: 'flex-start', justifyContent: 'flex-start', textTransform: 'none', py: 1.5, minWidth: 0 }}
    >
      <Typography variant="h4" component="span" color={urgent ? 'error' : 'text.primary'}>
        {queue.count === undefined ? <Skeleton width={32} /> : queue.count}
      </Typography>
      <Typography variant="body2" component="span" sx={{ textAlign: 'left' }}>
        {queue.label}
      </Typography>
    </Button>
  )
}

/** A card of counts, each a link to its filtered list. */
export function WorkQueues({ icon, title, body, queues }: { icon: ReactNode; title: string; body: string; queues: Queue[] }) {
  const translate = useTranslate()
  return (
    <Card sx={{ mt: 2 }} component="section" aria-label={translate(title)}>
      <CardContent>
        <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
          {icon}
          <Box>
            <Typography variant="h6" component="h2">
              {translate(title)}
            </Typography>
            <Typography color="text.secondary">{translate(body)}</Typography>
          </Box>
        </Stack>
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))' }}>
          {queues.map((q) => (
            <QueueLink key={q.key} queue={q} />
          ))}
        </Box>
      </CardContent>
    </Card>
  )
}
