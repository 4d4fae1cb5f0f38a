import InsightsIcon from '@mui/icons-material/Insights'
import { Menu as RaMenu, useCanAccess, useTranslate } from 'react-admin'

/** Dashboard, the resources the role may list, and the custom pages it may open. */
export function Menu() {
  const translate = useTranslate()
  const reports = useCanAccess({ resource: 'reports', action: 'list' })
  return (
    <RaMenu>
      <RaMenu.DashboardItem />
      <RaMenu.ResourceItems />
      {reports.canAccess && (
        <RaMenu.Item to="/reports" primaryText={translate('resources.reports.name')} leftIcon={<InsightsIcon />} />
      )}
    </RaMenu>
  )
}
