import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Grid,
  MenuItem,
  TextField,
  type Theme,
  Typography,
  useMediaQuery,
} from '@mui/material'
import { useEffect, useState } from 'react'
import { useLocale, useTranslate } from 'react-admin'
import type { CustomerRecord } from '../customers/types'
import { accountFields, type AddressChange, type EditChanges } from './types'

/** The unmasked record carries the names as the customers table has them. */
export type CorrectableRecord = CustomerRecord & { first_name?: string | null; last_name?: string | null }
type Address = CorrectableRecord['addresses'][number]

const ACCOUNT = ['first_name', 'last_name', 'email', 'phone'] as const
const ADDRESS = ['label', 'recipient_name', 'line1', 'line2', 'city', 'region', 'postal_code', 'country', 'phone'] as const
/** Address fields the store may leave empty: clearing one sends null. */
const NULLABLE = new Set<string>(['line2', 'postal_code', 'phone'])
/** The verification question each field would answer: a correction may not rest on a verification that asked it. */
const QUESTION: Record<string, string> = { email: 'email', phone: 'phone_last4', 'address.postal_code': 'postal_code' }

type Account = Record<(typeof ACCOUNT)[number], string>
type AddressForm = Record<(typeof ADDRESS)[number], string>
type Marketing = '' | 'in' | 'out'

const accountOf = (r: CorrectableRecord): Account => ({
  first_name: r.first_name ?? '',
  last_name: r.last_name ?? '',
  email: r.email ?? '',
  phone: r.phone ?? '',
})
const addressOf = (a: Address | undefined): AddressForm =>
  Object.fromEntries(ADDRESS.map((k) => [k, (a?.[k] as string | null | undefined) ?? ''])) as AddressForm

/** Only what differs from the record: a correction names the fields the caller asked to change, nothing else. */
export function changedFields(
  record: CorrectableRecord,
  address: Address | undefined,
  account: Account,
  addressForm: AddressForm,
  marketing: Marketing,
): EditChanges {
  const changes: EditChanges = {}
  const before = accountOf(record)
  for (const k of ACCOUNT) if (account[k].trim() !== before[k]) changes[k] = account[k].trim()
  if (marketing) changes.marketing_opt_in = marketing === 'in'
  if (address) {
    const was = addressOf(address)
    const change: AddressChange = { id: address.id }
    for (const k of ADDRESS) {
      const value = k === 'country' ? addressForm[k].trim().toUpperCase() : addressForm[k].trim()
      if (value === was[k]) continue
      ;(change as unknown as Record<string, string | null>)[k] = value === '' && NULLABLE.has(k) ? null : value
    }
    if (Object.keys(change).length > 1) changes.addresses = [change]
  }
  return changes
}

/**
 * A small form for a caller's correction: names, email, phone, marketing choice and the default address, as the record
 * has them. Only changed fields are sent; fields the caller was verified with cannot be changed on that verification.
 */
export function CorrectionDialog({
  open,
  record,
  askedFields,
  onClose,
  onSubmit,
}: {
  open: boolean
  record: CorrectableRecord
  /** the verification's question fields, once known */
  askedFields: string[]
  onClose: () => void
  onSubmit: (changes: EditChanges) => Promise<void>
}) {
  const translate = useTranslate()
  const locale = useLocale()
  const fullScreen = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'))
  const address = record.addresses.find((a) => a.is_default)
  const [account, setAccount] = useState<Account>(() => accountOf(record))
  const [addressForm, setAddressForm] = useState<AddressForm>(() => addressOf(address))
  const [marketing, setMarketing] = useState<Marketing>('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (!open) return
    setAccount(accountOf(record))
    setAddressForm(addressOf(address))
    setMarketing('')
    setErrors({})
    setMessage(null)
    // Reset each time it opens, from the record as it is then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open])

  const changes = changedFields(record, address, account, addressForm, marketing)
  const nothing = Object.keys(changes).length === 0
  const locked = (name: string) => (QUESTION[name] ? askedFields.includes(QUESTION[name]) : false)

  const submit = async () => {
    setSaving(true)
    setErrors({})
    setMessage(null)
    try {
      await onSubmit(changes)
    } catch (e) {
      const err = e as { body?: { errors?: Record<string, string> }; message?: string }
      const fields = err.body?.errors ?? {}
      setErrors(fields)
      // What no input shows (a conflict, the verification's questions) goes above the form.
      const shown = (k: string) => /^changes\.(first_name|last_name|email|phone|addresses\.0\.\w+)$/.test(k)
      const rest = Object.entries(fields)
        .filter(([k]) => !shown(k))
        .map(([, v]) => v)
      setMessage([err.message, ...rest].filter(Boolean).join(' · '))
    } finally {
      setSaving(false)
    }
  }

  const input = (name: string, label: string, value: string, set: (v: string) => void, error?: string) => (
    <TextField
      fullWidth
      size="small"
      margin="dense"
      label={translate(label)}
      value={value}
      disabled={locked(name)}
      onChange={(e) => set(e.target.value)}
      error={!!error}
      helperText={error ?? (locked(name) ? translate('verity.requests.file.verified_with') : ' ')}
      // why a field is locked is read, not greyed out with it (the disabled grey fails WCAG contrast)
      slotProps={{ formHelperText: { sx: { '&.Mui-disabled': { color: 'text.secondary' } } } }}
    />
  )

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="md" fullScreen={fullScreen}>
      <DialogTitle>{translate('verity.requests.file.correction_title')}</DialogTitle>
      <DialogContent>
        <DialogContentText gutterBottom>{translate('verity.requests.file.correction_help')}</DialogContentText>
        {message && (
          <Alert severity="error" sx={{ mb: 1 }}>
            {message}
          </Alert>
        )}
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          {translate('verity.requests.file.account')}
        </Typography>
        <Grid container columnSpacing={2}>
          {accountFields(locale).map((k) => (
            <Grid key={k} size={{ xs: 12, sm: 6 }}>
              {input(k, `verity.requests.fields.${k}`, account[k], (v) => setAccount({ ...account, [k]: v }), errors[`changes.${k}`])}
            </Grid>
          ))}
          <Grid size={{ xs: 12, sm: 6 }}>
            <TextField
              select
              fullWidth
              size="small"
              margin="dense"
              label={translate('verity.requests.fields.marketing_opt_in')}
              value={marketing}
              onChange={(e) => setMarketing(e.target.value as Marketing)}
              helperText=" "
              slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
            >
              <MenuItem value="">{translate('verity.requests.marketing.keep')}</MenuItem>
              <MenuItem value="in">{translate('verity.requests.marketing.in')}</MenuItem>
              <MenuItem value="out">{translate('verity.requests.marketing.out')}</MenuItem>
            </TextField>
          </Grid>
        </Grid>
        {address && (
          <>
            <Typography variant="subtitle2" sx={{ mt: 1 }}>
              {translate('verity.requests.file.default_address')}
            </Typography>
            <Grid container columnSpacing={2}>
              {ADDRESS.map((k) => (
                <Grid key={k} size={{ xs: 12, sm: k === 'line1' || k === 'line2' ? 12 : 6, md: k === 'line1' || k === 'line2' ? 6 : 4 }}>
                  {input(
                    `address.${k}`,
                    `verity.requests.fields.${k === 'phone' ? 'address_phone' : k}`,
                    addressForm[k],
                    (v) => setAddressForm({ ...addressForm, [k]: v }),
                    errors[`changes.addresses.0.${k}`],
                  )}
                </Grid>
              ))}
            </Grid>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate('ra.action.cancel')}</Button>
        <Button variant="contained" disabled={saving || nothing} onClick={() => void submit()}>
          {translate('verity.requests.file.submit')}
        </Button>
      </DialogActions>
    </Dialog>
  )
}
