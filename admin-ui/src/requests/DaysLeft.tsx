import { Chip, Typography } from '@mui/material'
import { useTranslate } from 'react-admin'
import type { RequestStatus } from './types'

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()

/**
 * How long an open request has left, in words: "3 days left", "Due today", or in red "Overdue by 2 days". Lists give
 * days_left and overdue as the server counted them; elsewhere they are counted here from the due date.
 */
export function DaysLeft({
  request,
}: {
  request: { status: RequestStatus; due_at: string | null; days_left?: number | null; overdue?: boolean }
}) {
  const translate = useTranslate()
  if (request.status !== 'pending' || request.due_at === null) return null
  const due = Date.parse(request.due_at)
  const days = request.days_left ?? Math.ceil((due - Date.now()) / 86_400_000)
  if (request.overdue ?? due < Date.now()) {
    return (
      <Typography component="span" variant="body2" color="error" fontWeight={600}>
        {translate('verity.requests.overdue_by', { smart_count: Math.max(1, -days) })}
      </Typography>
    )
  }
  if (sameDay(new Date(due), new Date())) {
    return (
      <Typography component="span" variant="body2" color="warning.main" fontWeight={600}>
        {translate('verity.requests.due_today')}
      </Typography>
    )
  }
  return (
    <Typography component="span" variant="body2">
      {translate('verity.requests.days_left', { smart_count: days })}
    </Typography>
  )
}

export function RequestStatusChip({ status }: { status: RequestStatus }) {
  const translate = useTranslate()
  const color = status === 'pending' ? 'warning' : status === 'completed' ? 'success' : 'default'
  return <Chip size="small" color={color} label={translate(`verity.requests.statuses.${status}`)} />
}
