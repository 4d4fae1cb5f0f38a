import VerifiedUserIcon from '@mui/icons-material/VerifiedUser'
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff'
import { Alert, Box, Button, Card, CardContent, Chip, Grid, Stack, Typography } from '@mui/material'
import { useEffect, useState } from 'react'
import { Loading, Title, usePermissions, useTranslate } from 'react-admin'
import { useApiQuery } from '../useApiQuery'
import { Link, useParams } from 'react-router-dom'
import type { Role } from '../roles'
import { BreakGlassButton } from './BreakGlassButton'
import { CustomerSections, useFormats } from './CustomerSections'
import { WRAPPING_CHIP } from '../layout/wrap'
import { PasswordBanner } from './PasswordBanner'
import { PasswordResetButton } from './PasswordResetButton'
import { FileRequestButton } from '../requests/FileRequestButton'
import type { CustomerRecord } from './types'

/** Until when this staff member sees the record, as a time of day in the console's language and in minutes left. */
function UnmaskChip({ basis, until }: { basis: 'verification' | 'break_glass'; until: string }) {
  const translate = useTranslate()
  const fmt = useFormats()
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000)
    return () => clearInterval(timer)
  }, [])
  const minutes = Math.max(1, Math.ceil((Date.parse(until) - now) / 60_000))
  return (
    <Chip
      color={basis === 'break_glass' ? 'warning' : 'success'}
      icon={<VerifiedUserIcon />}
      label={translate(`verity.customer.unmasked_${basis}`, { time: fmt.clock(until), smart_count: minutes })}
      sx={WRAPPING_CHIP}
    />
  )
}

/** A profile field: •••• where the server withheld it, — where there is nothing on file. */
function Field({ label, value, withheld }: { label: string; value: string | null | undefined; withheld: boolean }) {
  const translate = useTranslate()
  return (
    <Box>
      <Typography variant="caption" color="text.secondary">
        {translate(label)}
      </Typography>
      <Typography sx={{ overflowWrap: 'anywhere' }}>{withheld ? '••••' : value || '—'}</Typography>
    </Box>
  )
}

/** One customer: masked until this staff member has verified the caller (or, for compliance, given a reason). */
export default function CustomerShow() {
  const { id } = useParams()
  const translate = useTranslate()
  const fmt = useFormats()
  const { permissions: role } = usePermissions<Role>()
  // Its own query, not react-admin's record cache: search results (masked, another shape) must never stand in for it.
  const {
    data: record,
    isPending,
    error,
    refetch,
  } = useApiQuery<CustomerRecord>(['customer-record', id], `customers/${id}`, { refetchOnWindowFocus: false, staleTime: 0 })

  // The window closes on the server; fetch again when it does, so the page masks itself.
  const until = record?.access.until
  useEffect(() => {
    if (!until) return
    const timer = setTimeout(() => void refetch(), Math.max(0, Date.parse(until) - Date.now()) + 1000)
    return () => clearTimeout(timer)
  }, [until, refetch])

  if (isPending) return <Loading />
  if (error || !record) return <Alert severity="error">{(error as Error)?.message}</Alert>
  const c = 'verity.customer.fields.'
  return (
    <Box sx={{ mt: 2, maxWidth: 1100 }}>
      <Title title={`${record.name} · #${record.id}`} />
      <PasswordBanner />
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Stack direction="row" spacing={2} rowGap={1.5} alignItems="center" justifyContent="space-between" flexWrap="wrap" useFlexGap>
            <Stack direction="row" spacing={1.5} alignItems="center" flexWrap="wrap" useFlexGap sx={{ minWidth: 0 }}>
              <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
                {record.name}
              </Typography>
              {record.masked ? (
                <Chip icon={<VisibilityOffIcon />} label={translate('verity.customer.masked')} sx={WRAPPING_CHIP} />
              ) : (
                <UnmaskChip basis={record.access.basis!} until={record.access.until!} />
              )}
              {record.status !== 'active' && (
                <Chip color="error" label={translate(`verity.customer.status.${record.status}`)} sx={WRAPPING_CHIP} />
              )}
            </Stack>
            <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap>
              {record.masked && record.status === 'active' && (
                <Button component={Link} to={`/verify/${record.id}`} variant="contained" startIcon={<VerifiedUserIcon />}>
                  {translate('verity.customer.verify')}
                </Button>
              )}
              {record.masked && role === 'compliance' && <BreakGlassButton customerId={record.id} onOpened={() => void refetch()} />}
              {/* Requests are filed for a caller this staff member verified, while the pass keeps the record open. */}
              {!record.masked && record.access.basis === 'verification' && record.status === 'active' && (
                <FileRequestButton record={record} onFiled={() => void refetch()} />
              )}
              <PasswordResetButton customerId={record.id} disabled={record.masked} />
            </Stack>
          </Stack>
          {record.legal_hold && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {translate('verity.customer.legal_hold')}
            </Alert>
          )}
          {role === 'compliance' && (
            <Button component={Link} to={`/accounting/${record.id}`} size="small" sx={{ mt: 1 }}>
              {translate('verity.disclosures.accounting')}
            </Button>
          )}
          {record.flags.length > 0 && (
            <Alert severity="warning" sx={{ mt: 2 }}>
              {translate('verity.customer.open_flags', { smart_count: record.flags.length })}
            </Alert>
          )}
          <Grid container spacing={2} sx={{ mt: 1 }}>
            {(
              [
                ['email', 'email', record.email],
                ['phone', 'phone', record.phone],
                ['birth_date', 'birth_date', fmt.date(record.birth_date)],
                ['gender', 'gender', record.gender ? fmt.status('gender', record.gender) : null],
                ['location', 'city', [record.city, record.region, record.country].filter(Boolean).join(', ')],
                ['created_at', 'created_at', fmt.date(record.created_at)],
                ['last_login_at', 'last_login_at', fmt.time(record.last_login_at)],
                ['guardian', 'guardian_name', record.guardian_name],
              ] as const
            ).map(([key, source, value]) => (
              // an email address is long: it gets two columns on a wide screen rather than breaking mid-word
              <Grid key={key} size={{ xs: 12, sm: 6, md: key === 'email' ? 6 : 3 }}>
                <Field label={`${c}${key}`} value={value} withheld={!(source in record)} />
              </Grid>
            ))}
          </Grid>
        </CardContent>
      </Card>
      <Stack spacing={2}>
        <CustomerSections record={record} />
      </Stack>
    </Box>
  )
}
