import CheckIcon from '@mui/icons-material/Check'
import CloseIcon from '@mui/icons-material/Close'
import UndoIcon from '@mui/icons-material/Undo'
import { Button, DialogContentText, Stack } from '@mui/material'
import { useState } from 'react'
import { useDataProvider, useGetIdentity, useNotify, usePermissions, useRecordContext, useRefresh, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import { ConfirmDialog } from '../layout/ConfirmDialog'
import { useGrantText } from './grantText'
import { type GrantAction, grantActions, type GrantRow } from './types'

const LOOKS: Record<
  GrantAction,
  { icon: typeof CheckIcon; color: 'primary' | 'error' | 'inherit'; variant: 'contained' | 'outlined' | 'text' }
> = {
  approve: { icon: CheckIcon, color: 'primary', variant: 'contained' },
  reject: { icon: CloseIcon, color: 'error', variant: 'outlined' },
  cancel: { icon: UndoIcon, color: 'inherit', variant: 'outlined' },
}

/**
 * One step on a grant behind a dialog that says what follows ("Wu Fang will be able to open any customer's record…").
 * The confirm button has the focus, so Enter confirms and Escape keeps things as they were. A refusal (409: decided
 * meanwhile) is shown; asking for a fresh second factor is the console's fetch's business (httpClient).
 */
function GrantStep({ grant, action }: { grant: GrantRow; action: GrantAction }) {
  const translate = useTranslate()
  const notify = useNotify()
  const refresh = useRefresh()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const text = useGrantText()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const { icon: Icon, color, variant } = LOOKS[action]
  const label = translate(`verity.grants.${action}`)

  const run = async () => {
    setBusy(true)
    try {
      await dataProvider.post(`grants/${grant.id}/${action}`, {})
      notify(`verity.grants.done.${action}`, { type: 'success' })
      setOpen(false)
      refresh()
    } catch (e) {
      const message = (e as Error).message
      notify(message || 'ra.notification.http_error', { type: 'error', messageArgs: { _: message } })
      setOpen(false)
      refresh()
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <Button
        size="small"
        color={color}
        variant={variant}
        startIcon={<Icon />}
        aria-label={`${label} #${grant.id}`}
        onClick={(e) => (e.stopPropagation(), setOpen(true))}
      >
        {label}
      </Button>
      {open && (
        <ConfirmDialog
          title={text.title(grant, action)}
          confirmLabel={translate(`verity.grants.${action}_confirm`)}
          danger={action === 'reject'}
          busy={busy}
          onConfirm={() => void run()}
          onClose={() => setOpen(false)}
        >
          <DialogContentText gutterBottom>{text.consequence(grant, action)}</DialogContentText>
          <DialogContentText variant="body2">{text.sentence(grant)}</DialogContentText>
        </ConfirmDialog>
      )}
    </>
  )
}

/** The steps open to the viewer on the grant of the record context: none for one they may only read. */
export function GrantActions() {
  const grant = useRecordContext<GrantRow>()
  const { identity } = useGetIdentity()
  const { permissions: role } = usePermissions<string>()
  if (!grant || !identity || !role) return null
  const actions = grantActions(grant, { id: identity.id, role })
  if (!actions.length) return null
  return (
    <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap component="span">
      {actions.map((a) => (
        <GrantStep key={a} grant={grant} action={a} />
      ))}
    </Stack>
  )
}
