import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings'
import GavelIcon from '@mui/icons-material/Gavel'
import InsightsIcon from '@mui/icons-material/Insights'
import SupportAgentIcon from '@mui/icons-material/SupportAgent'
import { Alert, Box, Button, Card, CardActions, CardContent, Stack, Typography } from '@mui/material'
import { Link } from 'react-router-dom'
import { Loading, Title, useGetIdentity, usePermissions, useTranslate } from 'react-admin'
import type { Role } from '../roles'
import { RequestDeadlines } from './RequestDeadlines'

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
  manager: { icon: InsightsIcon, links: [{ to: '/reports', label: 'resources.reports.name' }] },
  admin: {
    icon: AdminPanelSettingsIcon,
    links: [
      { to: '/staff', label: 'resources.staff.name' },
      { to: '/settings', label: 'resources.settings.name' },
    ],
  },
}

/** A start page per role: what the role is here to do, and where to begin. */
export function Dashboard() {
  const translate = useTranslate()
  const { identity, isPending } = useGetIdentity()
  const { permissions: role } = usePermissions<Role>()
  if (isPending || !role) return <Loading />
  const { icon: Icon, links } = SHORTCUTS[role]
  return (
    <Box sx={{ mt: 2, maxWidth: 760 }}>
      <Title title={translate('verity.title')} />
      <Typography variant="h5" component="h1" gutterBottom>
        {translate('verity.dashboard.welcome', { name: identity?.fullName ?? '' })}
      </Typography>
      <Typography color="text.secondary" gutterBottom>
        {translate('verity.dashboard.signed_in_as', { role: translate(`verity.roles.${role}`) })}
      </Typography>
      {(role === 'agent' || role === 'compliance') && (
        <Alert severity="info" sx={{ my: 2 }}>
          {translate('verity.password_banner')}
        </Alert>
      )}
      <Card sx={{ mt: 2 }}>
        <CardContent>
          <Stack direction="row" spacing={2} alignItems="center">
            <Icon color="primary" fontSize="large" />
            <Box>
              <Typography variant="h6">{translate(`verity.dashboard.${role}.title`)}</Typography>
              <Typography color="text.secondary">{translate(`verity.dashboard.${role}.body`)}</Typography>
            </Box>
          </Stack>
        </CardContent>
        <CardActions>
          {links.map((l) => (
            <Button key={l.to} component={Link} to={l.to}>
              {translate(l.label, { smart_count: 2 })}
            </Button>
          ))}
        </CardActions>
      </Card>
      {role === 'compliance' && <RequestDeadlines />}
    </Box>
  )
}
