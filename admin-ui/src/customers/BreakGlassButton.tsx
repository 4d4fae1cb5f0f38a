import LockOpenIcon from '@mui/icons-material/LockOpen'
import { useDataProvider } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { TextPromptButton } from '../layout/TextPromptButton'

/** Compliance opens a record unmasked by writing down why; the server keeps the reason and audits the access. */
export function BreakGlassButton({ customerId, onOpened }: { customerId: number; onOpened: () => void }) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  return (
    <TextPromptButton
      label="verity.customer.break_glass_open"
      help="verity.customer.break_glass_help"
      fieldLabel="verity.customer.grant.reason"
      confirmLabel="verity.customer.break_glass_confirm"
      field="reason"
      multiline
      color="warning"
      variant="outlined"
      icon={<LockOpenIcon />}
      onSubmit={async (reason) => {
        await dataProvider.post(`customers/${customerId}/unmask`, { reason })
        onOpened()
      }}
    />
  )
}
