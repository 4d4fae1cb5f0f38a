import BadgeIcon from '@mui/icons-material/Badge'
import { lazy } from 'react'

export default {
  list: lazy(() => import('./StaffList')),
  create: lazy(() => import('./StaffCreate')),
  edit: lazy(() => import('./StaffEdit')),
  icon: BadgeIcon,
  recordRepresentation: 'name',
}
