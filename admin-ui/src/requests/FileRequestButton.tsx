import ArrowDropDownIcon from '@mui/icons-material/ArrowDropDown'
import AssignmentIcon from '@mui/icons-material/Assignment'
import { Button, ListItemText, Menu, MenuItem } from '@mui/material'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Confirm, useNotify, useTranslate } from 'react-admin'
import { type CorrectableRecord, CorrectionDialog } from './CorrectionDialog'
import type { EditChanges, RequestRecord, RequestType } from './types'
import { TYPES } from './types'
import { useFileRequest } from './useFileRequest'

/**
 * "Request…" on a verified caller's record: correct details, delete the account, or a copy of the data. A deletion or a
 * copy is filed after one confirmation; a correction opens a small form. Types already open show the request instead.
 */
export function FileRequestButton({ record, onFiled }: { record: CorrectableRecord; onFiled: (request: RequestRecord) => void }) {
  const translate = useTranslate()
  const notify = useNotify()
  const queryClient = useQueryClient()
  const requests = useFileRequest(record.id)
  const [anchor, setAnchor] = useState<HTMLElement | null>(null)
  const [confirming, setConfirming] = useState<Exclude<RequestType, 'edit'> | null>(null)
  const [correcting, setCorrecting] = useState(false)
  const [asked, setAsked] = useState<string[]>([])
  const [busy, setBusy] = useState(false)

  const filed = (request: RequestRecord) => {
    notify('verity.requests.file.filed', { type: 'success', messageArgs: { id: request.id } })
    void queryClient.invalidateQueries({ queryKey: ['requests'] })
    onFiled(request)
  }
  const pick = (type: RequestType) => {
    setAnchor(null)
    if (type !== 'edit') return setConfirming(type)
    setAsked([])
    setCorrecting(true)
    requests.askedFields().then(setAsked, () => undefined)
  }
  const fileAtOnce = async () => {
    const type = confirming!
    setBusy(true)
    try {
      filed(await requests.file(type))
    } catch (e) {
      notify((e as Error).message, { type: 'error' })
    } finally {
      setBusy(false)
      setConfirming(null)
    }
  }
  const fileCorrection = async (changes: EditChanges) => {
    const request = await requests.file('edit', changes)
    setCorrecting(false)
    filed(request)
  }
  const openAs = (type: RequestType) => record.open_requests.find((r) => r.type === type)

  return (
    <>
      <Button
        variant="outlined"
        startIcon={<AssignmentIcon />}
        endIcon={<ArrowDropDownIcon />}
        aria-haspopup="menu"
        onClick={(e) => setAnchor(e.currentTarget)}
      >
        {translate('verity.requests.file.button')}
      </Button>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        {TYPES.map((type) => {
          const open = openAs(type)
          return (
            <MenuItem key={type} disabled={!!open} onClick={() => pick(type)}>
              <ListItemText
                primary={translate(`verity.requests.file.${type}`)}
                secondary={open ? translate('verity.requests.file.open_as', { id: open.id }) : undefined}
              />
            </MenuItem>
          )
        })}
      </Menu>
      <Confirm
        isOpen={!!confirming}
        loading={busy}
        title={`verity.requests.file.confirm_title.${confirming ?? 'erasure'}`}
        content={`verity.requests.file.confirm_body.${confirming ?? 'erasure'}`}
        confirm="verity.requests.file.confirm"
        confirmColor={confirming === 'erasure' ? 'warning' : 'primary'}
        onConfirm={() => void fileAtOnce()}
        onClose={() => setConfirming(null)}
      />
      <CorrectionDialog
        open={correcting}
        record={record}
        askedFields={asked}
        onClose={() => setCorrecting(false)}
        onSubmit={fileCorrection}
      />
    </>
  )
}
