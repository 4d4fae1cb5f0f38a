import TuneIcon from '@mui/icons-material/Tune'
import { lazy } from 'react'

export default {
  list: lazy(() => import('./SettingList')),
  edit: lazy(() => import('./SettingEdit')),
  icon: TuneIcon,
}
