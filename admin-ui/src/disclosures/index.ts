import GavelIcon from '@mui/icons-material/Gavel'
import { lazy } from 'react'

export default {
  list: lazy(() => import('./DisclosureList')),
  create: lazy(() => import('./DisclosureCreate')),
  edit: lazy(() => import('./DisclosureEdit')),
  show: lazy(() => import('./DisclosureShow')),
  icon: GavelIcon,
  recordRepresentation: 'caseNumber',
}
