import SearchIcon from '@mui/icons-material/Search'
import { Alert, Box, Button, FormHelperText, IconButton, List, ListItem, ListItemText, Stack, TextField, Typography } from '@mui/material'
import CloseIcon from '@mui/icons-material/Close'
import { useId, useState } from 'react'
import { useDataProvider, useInput, useTranslate } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'
import type { DisclosureSubject } from './types'

/** A subject the lookup offers: the customer, how the identifier matched, and the server's signed match to add them by. */
export interface SubjectMatch extends DisclosureSubject {
  others: number
  match: string
}
interface Lookup {
  kind: string
  masked: string
  total: number
  matches: SubjectMatch[]
}

/** `#9 · Z*** · matched by email (w***@163.com)`: who, and how the legal process named them. */
export function SubjectLine({ subject }: { subject: DisclosureSubject }) {
  const translate = useTranslate()
  const how = subject.matchKind
    ? `${translate('verity.disclosures.subject.matched_by', {
        kind: translate(`verity.disclosures.subject.kinds.${subject.matchKind}`),
      })}${subject.matchMasked ? ` (${subject.matchMasked})` : ''}`
    : translate('verity.disclosures.subject.unmatched')
  return (
    <>
      #{subject.id} {subject.name} · {how}
    </>
  )
}

/** What POST and PUT take for the subjects: each customer with the match a lookup gave (none for those already on the record). */
export const subjectRefs = (subjects: (DisclosureSubject & { match?: string })[] = []) =>
  subjects.map((s) => (s.match ? { customerId: s.id, match: s.match } : { customerId: s.id }))

const required = (value: unknown) => (Array.isArray(value) && value.length ? undefined : 'verity.disclosures.subject.required')

/**
 * The record's subjects, added by the identifiers the legal process names (email, phone, customer id, order number), each
 * matched exactly on the server; a name is refused, and nothing is looked up without one.
 */
export function SubjectsInput() {
  const translate = useTranslate()
  const dataProvider = useDataProvider<VerityDataProvider>()
  const { field, fieldState, isRequired } = useInput<DisclosureSubject[]>({ source: 'subjects', validate: required })
  const chosen: (DisclosureSubject & { match?: string })[] = field.value ?? []
  const [identifier, setIdentifier] = useState('')
  const [found, setFound] = useState<Lookup | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const ids = { found: useId(), chosen: useId() }

  const lookUp = async () => {
    if (!identifier.trim()) return
    setBusy(true)
    setError(null)
    try {
      setFound(await dataProvider.post<Lookup>('disclosures/subject-lookup', { identifier }))
    } catch (e) {
      setFound(null)
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  const add = (m: SubjectMatch) => field.onChange([...chosen.filter((s) => s.id !== m.id), m])
  const remove = (id: number) => field.onChange(chosen.filter((s) => s.id !== id))
  const invalid = fieldState.invalid && (fieldState.isTouched || fieldState.isDirty || !!fieldState.error)

  return (
    <Box sx={{ width: '100%', maxWidth: 640, mb: 2 }}>
      <Typography variant="subtitle2" component="h2" id={ids.chosen}>
        {translate('resources.disclosures.fields.subjects')}
        {isRequired ? ' *' : ''}
      </Typography>
      {chosen.length > 0 && (
        <List dense aria-labelledby={ids.chosen}>
          {chosen.map((s) => (
            <ListItem
              key={s.id}
              disableGutters
              secondaryAction={
                <IconButton
                  edge="end"
                  aria-label={translate('verity.disclosures.subject.remove', { id: s.id })}
                  onClick={() => remove(s.id)}
                >
                  <CloseIcon />
                </IconButton>
              }
            >
              <ListItemText primary={<SubjectLine subject={s} />} slotProps={{ primary: { sx: { overflowWrap: 'anywhere' } } }} />
            </ListItem>
          ))}
        </List>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} alignItems={{ xs: 'stretch', sm: 'flex-start' }} sx={{ mt: 1 }}>
        <TextField
          fullWidth
          size="small"
          label={translate('verity.disclosures.subject.identifier')}
          value={identifier}
          onChange={(e) => setIdentifier(e.target.value)}
          onKeyDown={(e) => {
            // Enter looks the identifier up instead of saving the whole form
            if (e.key === 'Enter') {
              e.preventDefault()
              void lookUp()
            }
          }}
          autoComplete="off"
          error={!!error}
          helperText={error ?? translate('verity.disclosures.subject.identifier_help')}
        />
        <Button
          variant="outlined"
          startIcon={<SearchIcon />}
          disabled={busy || !identifier.trim()}
          onClick={() => void lookUp()}
          sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}
        >
          {translate('verity.disclosures.subject.look_up')}
        </Button>
      </Stack>
      {found && (
        <Box role="region" aria-labelledby={ids.found} sx={{ mt: 1 }}>
          <Typography variant="body2" id={ids.found} color="text.secondary">
            {translate('verity.disclosures.subject.found')}
          </Typography>
          {found.matches.length === 0 ? (
            <Alert severity="info" sx={{ mt: 1 }}>
              {translate('verity.disclosures.subject.none')}
            </Alert>
          ) : (
            <List dense>
              {found.matches.map((m) => {
                const added = chosen.some((s) => s.id === m.id)
                return (
                  <ListItem key={m.id} disableGutters sx={{ flexWrap: 'wrap', columnGap: 1 }}>
                    <ListItemText
                      primary={<SubjectLine subject={m} />}
                      secondary={
                        m.others === 0
                          ? translate('verity.disclosures.subject.unique')
                          : translate('verity.disclosures.subject.others', { smart_count: m.others })
                      }
                      slotProps={{ primary: { sx: { overflowWrap: 'anywhere' } } }}
                    />
                    <Button size="small" variant="contained" disabled={added} onClick={() => add(m)}>
                      {added ? translate('verity.disclosures.subject.added') : translate('verity.disclosures.subject.add', { id: m.id })}
                    </Button>
                  </ListItem>
                )
              })}
            </List>
          )}
        </Box>
      )}
      {invalid && fieldState.error?.message && <FormHelperText error>{translate(fieldState.error.message)}</FormHelperText>}
    </Box>
  )
}
