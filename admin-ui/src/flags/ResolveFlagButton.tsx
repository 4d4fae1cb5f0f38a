import { useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { TextPromptButton } from '../layout/TextPromptButton'
import type { FlagRecord } from './flagText'

/**
 * Closes a flag with what was found or done, in one dialog that names the consequence: closing a verification lock
 * unlocks the customer, closing an agent's flag lets the agent verify again. The note field has the focus; Enter resolves,
 * Escape cancels. Offered only when the server lists `resolve` among the viewer's actions on this flag.
 */
export function ResolveFlagButton() {
  const record = useRecordContext<FlagRecord>()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const refresh = useRefresh()
  const translate = useTranslate()
  if (!record || !record.actions?.includes('resolve')) return null
  return (
    <TextPromptButton
      label="verity.flags.resolve"
      accessibleName={`${translate('verity.flags.resolve')} #${record.id}`}
      help={`verity.flags.consequences.${record.kind}`}
      fieldLabel="verity.flags.resolve_note"
      confirmLabel={record.resolve_effect ? `verity.flags.resolve_confirm.${record.resolve_effect}` : 'verity.flags.resolve'}
      color={record.resolve_effect ? 'warning' : undefined}
      field="resolution"
      size="small"
      onSubmit={async (resolution) => {
        await dataProvider.post(`flags/${record.id}/resolve`, { resolution })
        notify('verity.flags.resolved', { type: 'success' })
        refresh()
      }}
    />
  )
}
