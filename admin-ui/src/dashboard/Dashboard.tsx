import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings'
import GavelIcon from '@mui/icons-material/Gavel'
import InsightsIcon from '@mui/icons-material/Insights'
import SupportAgentIcon from '@mui/icons-material/SupportAgent'
import { Alert, Box, Button, Card, CardActions, CardContent, Stack, Typography } from '@mui/material'
import { Link, useNavigate } from 'react-router-dom'
import { Loading, Title, useGetIdentity, usePermissions, useTranslate } from 'react-admin'
import { CustomerSearch } from '../customers/CustomerSearch'
import type { Role } from '../roles'
import { FlagQueues, GrantQueues, NoticeQueues, RequestQueues, StaffQueues } from './Queues'
import { useDashboard } from './useDashboard'

const SHORTCUTS: Record<Role, { icon: typeof SupportAgentIcon; links: { to: string; label: string }[] }> = {
  agent: {
    icon: SupportAgentIcon,
    links: [
      { to: '/verify', label: 'verity.verify.menu' },
      { to: '/customers', label: 'resources.customers.name' },
      { to: '/requests', label: 'resources.requests.name' },
    ],
  },
  compliance: {
    icon: GavelIcon,
    links: [
      { to: '/requests', label: 'resources.requests.name' },
      { to: '/disclosures', label: 'resources.disclosures.name' },
      { to: '/flags', label: 'resources.flags.name' },
      { to: '/audit-log', label: 'resources.audit-log.name' },
      { to: '/reports', label: 'resources.reports.name' },
    ],
  },
  manager: {
    icon: InsightsIcon,
    links: [
      { to: '/reports', label: 'resources.reports.name' },
      { to: '/business-reports', label: 'verity.business_reports.menu' },
    ],
  },
  admin: {
    icon: AdminPanelSettingsIcon,
    links: [
      { to: '/staff', label: 'resources.staff.name' },
      { to: '/settings', label: 'resources.settings.name' },
      { to: '/audit-log', label: 'resources.audit-log.name' },
      { to: '/reports', label: 'resources.reports.name' },
    ],
  },
}

/** An agent's call starts here: the caller search has the focus, and picking a customer opens their verification. */
function CallerSearch() {
  const translate = useTranslate()
  const navigate = useNavigate()
  return (
    <Card sx={{ mt: 2 }} component="section" aria-labelledby="dashboard-caller">
      <CardContent>
        <Typography id="dashboard-caller" variant="h6" component="h2" gutterBottom>
          {translate('verity.dashboard.agent.search')}
        </Typography>
        <CustomerSearch onPick={(c) => navigate(`/verify/${c.id}`)} />
      </CardContent>
    </Card>
  )
}

/** The counts of the role's work, each opening its filtered list; a manager has none, and gets the reports instead. */
function RoleQueues({ role }: { role: Role }) {
  const needsCounts = role !== 'manager'
  const { data: counts, error } = useDashboard(needsCounts)
  if (!needsCounts) return null
  return (
    <>
      {error ? (
        <Alert severity="warning" sx={{ mt: 2 }}>
          {(error as Error).message}
        </Alert>
      ) : null}
      {role === 'compliance' && (
        <>
          <RequestQueues counts={counts} />
          <NoticeQueues counts={counts} />
          <FlagQueues counts={counts} />
          {/* compliance officers are the second person: a waiting grant is their work */}
          <GrantQueues counts={counts} urgent />
        </>
      )}
      {role === 'agent' && <RequestQueues counts={counts} mine />}
      {role === 'admin' && (
        <>
          <StaffQueues counts={counts} />
          <GrantQueues counts={counts} />
        </>
      )}
    </>
  )
}

/** A start page per role: what the role is here to do, the work waiting for it, and where to begin. */
export function Dashboard() {
  const translate = useTranslate()
  const { identity, isPending } = useGetIdentity()
  const { permissions: role } = usePermissions<Role>()
  if (isPending || !role) return <Loading />
  const { icon: Icon, links } = SHORTCUTS[role]
  return (
    <Box sx={{ mt: 2, maxWidth: 960 }}>
      <Title title={translate('verity.title')} />
      <Typography variant="h5" component="h1" gutterBottom>
        {translate('verity.dashboard.welcome', { name: identity?.fullName ?? '' })}
      </Typography>
      <Typography color="text.secondary" gutterBottom>
        {translate('verity.dashboard.signed_in_as', { role: translate(`verity.roles.${role}`) })}
      </Typography>
      {role === 'agent' && <CallerSearch />}
      {(role === 'agent' || role === 'compliance') && (
        <Alert severity="info" sx={{ my: 2 }}>
          {translate('verity.password_banner')}
        </Alert>
      )}
      <RoleQueues role={role} />
      <Card sx={{ mt: 2 }} component="section" aria-labelledby="dashboard-role">
        <CardContent>
          <Stack direction="row" spacing={2} alignItems="center">
            <Icon color="primary" fontSize="large" />
            <Box>
              <Typography id="dashboard-role" variant="h6" component="h2">
                {translate(`verity.dashboard.${role}.title`)}
              </Typography>
              <Typography color="text.secondary">{translate(`verity.dashboard.${role}.body`)}</Typography>
            </Box>
          </Stack>
        </CardContent>
        <CardActions sx={{ flexWrap: 'wrap', gap: 1 }}>
          {links.map((l) => (
            <Button key={l.to} component={Link} to={l.to}>
              {translate(l.label, { smart_count: 2 })}
            </Button>
          ))}
        </CardActions>
      </Card>
    </Box>
  )
}
