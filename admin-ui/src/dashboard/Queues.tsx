import BadgeIcon from '@mui/icons-material/Badge'
import EventBusyIcon from '@mui/icons-material/EventBusy'
import FlagIcon from '@mui/icons-material/Flag'
import GavelIcon from '@mui/icons-material/Gavel'
import HowToRegIcon from '@mui/icons-material/HowToReg'
import { useTranslate } from 'react-admin'
import { type DashboardCounts, DUE } from './useDashboard'
import { listLink, type Queue, WorkQueues } from './WorkQueues'

type Counts = DashboardCounts | undefined

/** Open requests by days left; compliance sees every request, an agent those they filed (the server decides). */
export function RequestQueues({ counts, mine }: { counts: Counts; mine?: boolean }) {
  const translate = useTranslate()
  const queues: Queue[] = DUE.map((due) => ({
    key: due,
    label: translate(`verity.dashboard.requests.${due}`),
    count: counts?.requests?.[due],
    to: listLink('requests', { status: 'pending', due }),
    urgent: due === 'overdue',
  }))
  return (
    <WorkQueues
      icon={<EventBusyIcon color="primary" fontSize="large" />}
      title={mine ? 'verity.dashboard.requests.mine' : 'verity.dashboard.requests.title'}
      body="verity.dashboard.requests.body"
      queues={queues}
    />
  )
}

/** Disclosures waiting on compliance: customer notices due, emergency disclosures to review, holds in force; failed messages. */
export function NoticeQueues({ counts }: { counts: Counts }) {
  const translate = useTranslate()
  const d = counts?.disclosures
  const queues: Queue[] = [
    ...(['notice_due', 'review_due', 'holds'] as const).map((queue) => ({
      key: queue,
      label: translate(`verity.dashboard.disclosures.${queue}`),
      count: d?.[queue],
      to: listLink('disclosures', { queue }),
      urgent: queue !== 'holds',
    })),
    {
      key: 'failed',
      label: translate('verity.dashboard.disclosures.failed_messages'),
      count: counts?.outbox?.failed,
      to: listLink('outbox', { status: 'failed' }),
      urgent: true,
    },
  ]
  return (
    <WorkQueues
      icon={<GavelIcon color="primary" fontSize="large" />}
      title="verity.dashboard.disclosures.title"
      body="verity.dashboard.disclosures.body"
      queues={queues}
    />
  )
}

/** Open flags: all of them, then each kind that has any. */
export function FlagQueues({ counts }: { counts: Counts }) {
  const translate = useTranslate()
  const f = counts?.flags
  const queues: Queue[] = [
    { key: 'open', label: translate('verity.dashboard.flags.open'), count: f?.open, to: listLink('flags', { open: true }) },
    ...Object.entries(f?.kinds ?? {})
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => ({
        key: kind,
        label: translate(`verity.flags.kinds.${kind}`),
        count: n,
        to: listLink('flags', { open: true, kind }),
        urgent: true,
      })),
  ]
  return (
    <WorkQueues
      icon={<FlagIcon color="primary" fontSize="large" />}
      title="verity.dashboard.flags.title"
      body="verity.dashboard.flags.body"
      queues={queues}
    />
  )
}

/** For admins: active and disabled accounts. */
export function StaffQueues({ counts }: { counts: Counts }) {
  const translate = useTranslate()
  const queues: Queue[] = (['active', 'disabled'] as const).map((status) => ({
    key: status,
    label: translate(`verity.dashboard.staff.${status}`),
    count: counts?.staff?.[status],
    to: listLink('staff', { status }),
  }))
  return (
    <WorkQueues
      icon={<BadgeIcon color="primary" fontSize="large" />}
      title="verity.dashboard.staff.title"
      body="verity.dashboard.staff.body"
      queues={queues}
    />
  )
}

/** Compliance and admin: changes that wait for a compliance officer's approval (two-person grants). */
export function GrantQueues({ counts, urgent }: { counts: Counts; urgent?: boolean }) {
  const translate = useTranslate()
  const queues: Queue[] = [
    {
      key: 'pending',
      label: translate('verity.grants.queue.pending'),
      count: counts?.grants?.pending,
      to: listLink('grants', { status: 'pending' }),
      urgent,
    },
  ]
  return (
    <WorkQueues
      icon={<HowToRegIcon color="primary" fontSize="large" />}
      title="verity.grants.queue.title"
      body="verity.grants.queue.body"
      queues={queues}
    />
  )
}
