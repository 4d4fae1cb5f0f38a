import CheckCircleIcon from '@mui/icons-material/CheckCircle'
import CancelIcon from '@mui/icons-material/Cancel'
import { Alert, Box, Button, Card, CardContent, Chip, Divider, LinearProgress, MenuItem, Stack, TextField, Typography } from '@mui/material'
import { useEffect, useState } from 'react'
import { Title, useGetOne, useTranslate } from 'react-admin'
import { useLocation, useNavigate, useParams } from 'react-router-dom'
import { CustomerSearch } from '../customers/CustomerSearch'
import { PasswordBanner } from '../customers/PasswordBanner'
import { WRAPPING_CHIP } from '../layout/wrap'
import type { MaskedCustomer } from '../customers/useCustomerSearch'
import { AnswerField } from './AnswerField'
import { type Field, useVerification } from './useVerification'

const CHANNELS = ['phone', 'chat', 'email', 'in_person'] as const
const CALLERS = ['customer', 'guardian', 'authorised_agent'] as const
const INPUT_MODE: Record<Field, 'numeric' | 'email' | 'text'> = {
  birth_date: 'text',
  postal_code: 'text',
  phone_last4: 'numeric',
  email: 'email',
  order_number: 'text',
  card_last4: 'numeric',
}

/**
 * The agent's page during a live call: find the caller, ask the drawn questions one by one, see match or no match,
 * and land on the unmasked record once they pass. Keyboard first: Enter moves on at every step.
 *
 * The customer is in the address (/verify/42): picking a caller goes there. Every visit (a link, the menu, back or
 * forward) starts afresh: a verification lives only in the page that opened it, so a page opened again never shows an
 * earlier attempt's answers or result, and answers never go to an earlier verification.
 */
export default function VerifyPage() {
  // An address typed or followed by a link carries no history key ('default'): the path tells those visits apart.
  const { key, pathname } = useLocation()
  return <Verification key={`${pathname} ${key}`} />
}

function Verification() {
  const translate = useTranslate()
  const navigate = useNavigate()
  const { customerId: fromRoute } = useParams()
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>('phone')
  const [caller, setCaller] = useState<(typeof CALLERS)[number]>('customer')
  const [callerName, setCallerName] = useState('')
  const customerId = fromRoute ? Number(fromRoute) : null
  // Fetched on every visit (the search's masked row stands in meanwhile), so a locked or erased customer shows as such.
  const { data: customer } = useGetOne<MaskedCustomer>(
    'customers',
    { id: customerId ?? 0 },
    { enabled: customerId !== null, refetchOnMount: 'always' },
  )
  const v = useVerification(customerId)

  useEffect(() => {
    if (v.status === 'verified' && customerId) {
      const timer = setTimeout(() => navigate(`/customers/${customerId}/show`), 1200)
      return () => clearTimeout(timer)
    }
  }, [v.status, customerId, navigate])

  const questions = v.verification?.questions ?? []
  const current = questions.find((q) => v.results[q.id] === undefined)
  const allRight = questions.length > 0 && questions.every((q) => v.results[q.id] === true)
  const needsCode = v.status === 'pending' && allRight
  const over = v.status === 'failed' || v.status === 'locked' || v.status === 'verified' || v.ended

  const startOver = () => navigate('/verify')

  return (
    <Box sx={{ mt: 2, maxWidth: 760 }}>
      <Title title={translate('verity.verify.title')} />
      <PasswordBanner />
      <Card>
        {v.busy && <LinearProgress />}
        <CardContent>
          {customerId === null ? (
            <CustomerSearch onPick={(c) => navigate(`/verify/${c.id}`)} />
          ) : !customer ? (
            <LinearProgress />
          ) : (
            <Stack spacing={2}>
              <Stack direction="row" justifyContent="space-between" alignItems="center" flexWrap="wrap" useFlexGap spacing={1}>
                <Box sx={{ minWidth: 0 }}>
                  <Typography variant="h6" component="h1" sx={{ overflowWrap: 'anywhere' }}>
                    {customer.name}{' '}
                    <Typography component="span" color="text.secondary">
                      #{customer.id}
                    </Typography>{' '}
                    {customer.status !== 'active' && (
                      <Chip size="small" color="error" label={translate(`verity.customer.status.${customer.status}`)} sx={WRAPPING_CHIP} />
                    )}
                  </Typography>
                  <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
                    {[customer.email, customer.phone, [customer.city, customer.country].filter(Boolean).join(', ')]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography>
                </Box>
                <Button onClick={startOver}>{translate('verity.verify.other_caller')}</Button>
              </Stack>
              <Divider />
              {!v.verification ? (
                <Stack direction="row" spacing={2} alignItems="center" useFlexGap flexWrap="wrap">
                  <TextField
                    select
                    size="small"
                    label={translate('verity.verify.caller')}
                    value={caller}
                    onChange={(e) => setCaller(e.target.value as typeof caller)}
                    sx={{ minWidth: 160 }}
                  >
                    {CALLERS.map((c) => (
                      <MenuItem key={c} value={c}>
                        {translate(`verity.verify.callers.${c}`)}
                      </MenuItem>
                    ))}
                  </TextField>
                  {caller !== 'customer' && (
                    <TextField
                      size="small"
                      required
                      label={translate('verity.verify.caller_name')}
                      value={callerName}
                      onChange={(e) => setCallerName(e.target.value)}
                    />
                  )}
                  <TextField
                    select
                    size="small"
                    label={translate('verity.verify.channel')}
                    value={channel}
                    onChange={(e) => setChannel(e.target.value as typeof channel)}
                    sx={{ minWidth: 160 }}
                  >
                    {CHANNELS.map((c) => (
                      <MenuItem key={c} value={c}>
                        {translate(`verity.channel.${c}`)}
                      </MenuItem>
                    ))}
                  </TextField>
                  <Button
                    autoFocus
                    variant="contained"
                    disabled={v.busy || v.ended || (caller !== 'customer' && !callerName.trim())}
                    onClick={() => void v.start(channel, caller, caller === 'customer' ? undefined : callerName.trim())}
                  >
                    {translate('verity.verify.start')}
                  </Button>
                </Stack>
              ) : (
                <Stack spacing={2}>
                  <Stack spacing={1}>
                    {questions.map((q, i) => (
                      <Stack key={q.id} direction="row" spacing={1} alignItems="center">
                        <Typography sx={{ minWidth: 24 }} color="text.secondary">
                          {i + 1}.
                        </Typography>
                        <Typography sx={{ flex: 1 }} fontWeight={q === current && !over ? 600 : 400}>
                          {translate(`verity.verify.fields.${q.field}`)}
                        </Typography>
                        {v.results[q.id] === true && (
                          <Chip size="small" color="success" icon={<CheckCircleIcon />} label={translate('verity.verify.match')} />
                        )}
                        {v.results[q.id] === false && (
                          <Chip size="small" color="error" icon={<CancelIcon />} label={translate('verity.verify.no_match')} />
                        )}
                      </Stack>
                    ))}
                  </Stack>
                  {current && !over && (
                    <AnswerField
                      key={current.id}
                      label={translate('verity.verify.caller_says', { question: translate(`verity.verify.fields.${current.field}`) })}
                      hint={translate(`verity.verify.hints.${current.field}`)}
                      disabled={v.busy}
                      inputMode={INPUT_MODE[current.field]}
                      onSubmit={(value) => void v.answer(current.id, value)}
                    />
                  )}
                  {!over && (
                    <Stack spacing={1}>
                      {needsCode && <Alert severity="info">{translate('verity.verify.code_needed')}</Alert>}
                      <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap>
                        <Typography variant="body2" color="text.secondary">
                          {translate('verity.verify.code')}
                        </Typography>
                        <Button size="small" disabled={v.busy} onClick={() => void v.sendCode('email')}>
                          {translate('verity.verify.send_code_email')}
                        </Button>
                        <Button size="small" disabled={v.busy} onClick={() => void v.sendCode('sms')}>
                          {translate('verity.verify.send_code_sms')}
                        </Button>
                      </Stack>
                      {v.codeSentTo && (
                        <>
                          <Typography variant="body2">{translate('verity.verify.code_sent', { recipient: v.codeSentTo })}</Typography>
                          {!current && (
                            <AnswerField
                              label={translate('verity.verify.code_label')}
                              hint={v.codeResult === false ? translate('verity.verify.code_wrong') : ' '}
                              disabled={v.busy}
                              inputMode="numeric"
                              onSubmit={(code) => void v.checkCode(code)}
                            />
                          )}
                        </>
                      )}
                    </Stack>
                  )}
                  {v.status === 'verified' && (
                    <Alert
                      severity="success"
                      action={
                        <Button autoFocus onClick={() => navigate(`/customers/${customerId}/show`)}>
                          {translate('verity.verify.open_record')}
                        </Button>
                      }
                    >
                      {translate('verity.verify.verified')}
                    </Alert>
                  )}
                  {(v.status === 'failed' || v.status === 'locked') && (
                    <Alert
                      severity="error"
                      action={
                        <Button autoFocus onClick={startOver}>
                          {translate('verity.verify.start_over')}
                        </Button>
                      }
                    >
                      {translate(`verity.verify.${v.status}`)}
                    </Alert>
                  )}
                </Stack>
              )}
              {v.error && (
                <Alert
                  severity="error"
                  action={
                    v.ended && (
                      <Button autoFocus onClick={startOver}>
                        {translate('verity.verify.start_over')}
                      </Button>
                    )
                  }
                >
                  {v.error}
                </Alert>
              )}
            </Stack>
          )}
        </CardContent>
      </Card>
    </Box>
  )
}
