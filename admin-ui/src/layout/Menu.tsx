import InsightsIcon from '@mui/icons-material/Insights'
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser'
import { Menu as RaMenu, useCanAccess, useTranslate } from 'react-admin'

/** Dashboard, the resources the role may list, and the custom pages it may open. */
export function Menu() {
  const translate = useTranslate()
  const reports = useCanAccess({ resource: 'reports', action: 'list' })
  const verify = useCanAccess({ resource: 'verify', action: 'list' })
  return (
    <RaMenu>
      <RaMenu.DashboardItem />
      {verify.canAccess && (
        <RaMenu.Item to="/verify" primaryText={translate('verity.verify.menu')} leftIcon={<VerifiedUserIcon />} />
      )}
      <RaMenu.ResourceItems />
      {reports.canAccess && (
        <RaMenu.Item to="/reports" primaryText={translate('resources.reports.name')} leftIcon={<InsightsIcon />} />
      )}
    </RaMenu>
  )
}
