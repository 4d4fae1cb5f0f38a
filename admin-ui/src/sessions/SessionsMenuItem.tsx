import DevicesIcon from '@mui/icons-material/Devices'
import { ListItemIcon, ListItemText, MenuItem, type MenuItemProps } from '@mui/material'
import { useTranslate, useUserMenu } from 'react-admin'
import { useNavigate } from 'react-router-dom'

/** The user menu's way to "My sessions"; the menu hands its keyboard props (focus, tab index) through to the item. */
export function SessionsMenuItem(props: Omit<MenuItemProps, 'onClick'>) {
  const translate = useTranslate()
  const userMenu = useUserMenu()
  const navigate = useNavigate()
  return (
    <MenuItem
      {...props}
      onClick={() => {
        userMenu?.onClose()
        navigate('/sessions')
      }}
    >
      <ListItemIcon>
        <DevicesIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText>{translate('verity.sessions.menu')}</ListItemText>
    </MenuItem>
  )
}
