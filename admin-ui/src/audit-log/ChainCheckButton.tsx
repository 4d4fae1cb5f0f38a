import VerifiedIcon from '@mui/icons-material/VerifiedUser'
import { useState } from 'react'
import { Button, useDataProvider, useNotify, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

interface ChainReport {
  ok: boolean
  checked: number
  firstBroken?: { id: number; reason: string }
}

/** Recomputes the whole hash chain on the server and says whether it holds, or where it breaks. */
export function ChainCheckButton() {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const notify = useNotify()
  const translate = useTranslate()
  const [running, setRunning] = useState(false)
  const run = async () => {
    setRunning(true)
    try {
      const report = await dataProvider.post<ChainReport>('audit-log/verify')
      if (report.ok) notify('verity.audit.chain_ok', { type: 'success', messageArgs: { checked: report.checked } })
      else {
        const { id, reason } = report.firstBroken!
        const why = translate(`verity.audit.chain_breaks.${reason}`)
        notify('verity.audit.chain_broken', { type: 'error', messageArgs: { id, reason: why }, autoHideDuration: null })
      }
    } catch (e) {
      notify((e as Error).message, { type: 'error' })
    } finally {
      setRunning(false)
    }
  }
  return <Button label="verity.audit.verify_chain" onClick={() => void run()} disabled={running} startIcon={<VerifiedIcon />} />
}
