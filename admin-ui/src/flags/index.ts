import FlagIcon from '@mui/icons-material/Flag'
import { lazy } from 'react'

export default { list: lazy(() => import('./FlagList')), icon: FlagIcon }
