import KeyIcon from '@mui/icons-material/Key'
import { useDataProvider, useNotify, useRecordContext } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { TextPromptButton } from '../layout/TextPromptButton'

/** Sets a new password for a staff member; the server ends all their sessions. */
export function StaffPasswordButton() {
  const record = useRecordContext()
  const notify = useNotify()
  const dataProvider = useDataProvider<VerityDataProvider>()
  if (!record) return null
  return (
    <TextPromptButton
      label="verity.staff.set_password"
      help="verity.staff.set_password_help"
      fieldLabel="verity.staff.new_password"
      field="password"
      type="password"
      icon={<KeyIcon />}
      onSubmit={async (password) => {
        await dataProvider.post(`staff/${record.id}/password`, { password })
        notify('verity.staff.password_set', { type: 'success' })
      }}
    />
  )
}
