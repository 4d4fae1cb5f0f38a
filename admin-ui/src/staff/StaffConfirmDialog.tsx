import { List, ListItem, ListItemText } from '@mui/material'
import { useTranslate } from 'react-admin'
import { ConfirmDialog } from '../layout/ConfirmDialog'

export interface StaffState {
  name: string
  role: string
  status: string
}

/** What saving does that the staff member will feel at once: the server ends their sessions on both (staff.service.ts). */
export function consequencesOf(before: StaffState, after: StaffState): { key: string; args: { name: string } }[] {
  const args = { name: after.name }
  if (after.status === 'disabled' && before.status !== 'disabled') return [{ key: 'verity.staff.confirm.disabled', args }]
  if (after.role !== before.role) {
    return [
      { key: `verity.staff.confirm.roles.${after.role}`, args },
      // the compliance role waits for a compliance officer's approval (two-person grant); nothing changes until then
      { key: after.role === 'compliance' ? 'verity.grants.staff.confirm_note' : 'verity.staff.confirm.signed_out', args },
    ]
  }
  return []
}

/**
 * Asks once before a role change or a disabled account takes effect, naming what follows. Enter confirms (the confirm
 * button has the focus), Escape cancels.
 */
export function StaffConfirmDialog({
  before,
  after,
  saving,
  onCancel,
  onConfirm,
}: {
  before: StaffState
  after: StaffState
  saving?: boolean
  onCancel: () => void
  onConfirm: () => void
}) {
  const translate = useTranslate()
  const consequences = consequencesOf(before, after)
  const disabling = after.status === 'disabled' && before.status !== 'disabled'
  return (
    <ConfirmDialog
      title={translate('verity.staff.confirm.title', { name: before.name })}
      confirmLabel={
        disabling ? translate('verity.staff.confirm.disable', { name: before.name }) : translate('verity.staff.confirm.change_role')
      }
      danger={disabling}
      busy={saving}
      onConfirm={onConfirm}
      onClose={onCancel}
    >
      <List disablePadding>
        {consequences.map((c) => (
          <ListItem key={c.key} disableGutters>
            <ListItemText primary={translate(c.key, c.args)} />
          </ListItem>
        ))}
      </List>
    </ConfirmDialog>
  )
}
