import OutboxIcon from '@mui/icons-material/Outbox'
import { lazy } from 'react'

export default { list: lazy(() => import('./OutboxList')), icon: OutboxIcon }
