import ContentCopyIcon from '@mui/icons-material/ContentCopy'
import { Button } from '@mui/material'
import { useNotify, useTranslate } from 'react-admin'

/** Copies `text` to the clipboard and says so; `label` is an i18n key naming what is copied ("Copy the key"). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const translate = useTranslate()
  const notify = useNotify()
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      notify('verity.mfa.copied', { type: 'info' })
    } catch {
      notify('verity.mfa.copy_failed', { type: 'warning' })
    }
  }
  return (
    <Button variant="outlined" size="small" startIcon={<ContentCopyIcon />} onClick={() => void copy()}>
      {translate(label)}
    </Button>
  )
}
