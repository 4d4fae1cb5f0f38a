import AssignmentIcon from '@mui/icons-material/Assignment'
import { lazy } from 'react'

export default {
  list: lazy(() => import('./RequestList')),
  show: lazy(() => import('./RequestShow')),
  icon: AssignmentIcon,
  recordRepresentation: (r: { id: number }) => `#${r.id}`,
}
