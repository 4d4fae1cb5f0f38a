import HowToRegIcon from '@mui/icons-material/HowToReg'
import { lazy } from 'react'

export default {
  list: lazy(() => import('./GrantList')),
  icon: HowToRegIcon,
  recordRepresentation: (g: { id: number }) => `#${g.id}`,
}
