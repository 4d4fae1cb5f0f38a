import InsightsIcon from '@mui/icons-material/Insights'
import PublicIcon from '@mui/icons-material/Public'
import StorefrontIcon from '@mui/icons-material/Storefront'
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser'
import { Menu as RaMenu, useCanAccess, useTranslate } from 'react-admin'

/** Dashboard, the resources the role may list, and the custom pages it may open. */
export function Menu() {
  const translate = useTranslate()
  const reports = useCanAccess({ resource: 'reports', action: 'list' })
  const verify = useCanAccess({ resource: 'verify', action: 'list' })
  const transparency = useCanAccess({ resource: 'transparency', action: 'list' })
  return (
    <RaMenu>
      <RaMenu.DashboardItem />
      {verify.canAccess && <RaMenu.Item to="/verify" primaryText={translate('verity.verify.menu')} leftIcon={<VerifiedUserIcon />} />}
      <RaMenu.ResourceItems />
      {transparency.canAccess && (
        <RaMenu.Item to="/transparency" primaryText={translate('verity.transparency.menu')} leftIcon={<PublicIcon />} />
      )}
      {reports.canAccess && <RaMenu.Item to="/reports" primaryText={translate('resources.reports.name')} leftIcon={<InsightsIcon />} />}
      {reports.canAccess && (
        <RaMenu.Item to="/business-reports" primaryText={translate('verity.business_reports.menu')} leftIcon={<StorefrontIcon />} />
      )}
    </RaMenu>
  )
}
