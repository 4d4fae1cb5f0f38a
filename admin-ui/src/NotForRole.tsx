import BlockIcon from '@mui/icons-material/Block'
import SearchOffIcon from '@mui/icons-material/SearchOff'
import { Box, Button, Card, CardActions, CardContent, Stack, Typography } from '@mui/material'
import { Title, usePermissions, useTranslate } from 'react-admin'
import { Link, useLocation } from 'react-router-dom'
import { accessOf, canRoleAccess, type Role } from './roles'

/**
 * What a page the role cannot use shows instead of the page (react-admin's catch-all and access-denied routes): which it
 * is, and the way back. The server refuses the data either way; this says so before anyone types into a search.
 */
export function NotForRole() {
  const translate = useTranslate()
  const { pathname } = useLocation()
  const { permissions: role } = usePermissions<Role>()
  // A page of the console that App.tsx did not register for this role, or react-admin's own access check said no.
  const page = accessOf(pathname)
  const forbidden = pathname === '/access-denied' || (page !== undefined && !canRoleAccess(role, page, 'list'))
  const title = translate(forbidden ? 'verity.not_for_role.title' : 'verity.not_for_role.not_found')
  const Icon = forbidden ? BlockIcon : SearchOffIcon
  return (
    <Box sx={{ mt: 2, maxWidth: 760 }}>
      {/* the app bar names the console; the heading below says what happened, once */}
      <Title title={translate('verity.title')} />
      <Card component="section" aria-labelledby="not-for-role">
        <CardContent>
          <Stack direction="row" spacing={2} alignItems="center">
            <Icon color="warning" fontSize="large" />
            <Box>
              <Typography id="not-for-role" variant="h5" component="h1">
                {title}
              </Typography>
              <Typography color="text.secondary">
                {forbidden
                  ? translate('verity.not_for_role.body', { role: role ? translate(`verity.roles.${role}`) : '' })
                  : translate('verity.not_for_role.not_found_body')}
              </Typography>
            </Box>
          </Stack>
        </CardContent>
        <CardActions>
          <Button component={Link} to="/" variant="contained">
            {translate('verity.not_for_role.back')}
          </Button>
        </CardActions>
      </Card>
    </Box>
  )
}
