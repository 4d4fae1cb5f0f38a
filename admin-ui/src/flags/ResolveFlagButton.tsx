import { useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { TextPromptButton } from '../layout/TextPromptButton'

/** Closes a flag with what was found or done; closing a verification lock unlocks the customer. */
export function ResolveFlagButton() {
  const record = useRecordContext<{ id: number; kind: string; resolved_at: string | null }>()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const refresh = useRefresh()
  if (!record || record.resolved_at) return null
  return (
    <TextPromptButton
      label="verity.flags.resolve"
      help={`verity.flags.consequences.${record.kind}`}
      fieldLabel="resources.flags.fields.resolution"
      field="resolution"
      multiline
      size="small"
      onSubmit={async (resolution) => {
        await dataProvider.post(`flags/${record.id}/resolve`, { resolution })
        notify('verity.flags.resolved', { type: 'success' })
        refresh()
      }}
    />
  )
}
