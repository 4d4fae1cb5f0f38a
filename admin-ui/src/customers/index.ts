import PeopleIcon from '@mui/icons-material/People'
import { lazy } from 'react'

export default {
  list: lazy(() => import('./CustomerList')),
  show: lazy(() => import('./CustomerShow')),
  icon: PeopleIcon,
  recordRepresentation: 'name',
}
