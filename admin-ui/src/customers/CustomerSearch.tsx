import SearchIcon from '@mui/icons-material/Search'
import {
  Alert,
  Chip,
  InputAdornment,
  List,
  ListItem,
  ListItemButton,
  ListItemText,
  Paper,
  Stack,
  TextField,
  Typography,
} from '@mui/material'
import { useState, type KeyboardEvent } from 'react'
import { useTranslate } from 'react-admin'
import { type MaskedCustomer, useCustomerSearch } from './useCustomerSearch'

/**
 * Find a caller: type what they give (email, phone, name, order number or id), press Enter,
 * then ↑/↓ and Enter to pick. Results come masked from the server.
 */
export function CustomerSearch({ onPick, autoFocus = true }: { onPick: (c: MaskedCustomer) => void; autoFocus?: boolean }) {
  const translate = useTranslate()
  const [input, setInput] = useState('')
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const { data, total, isFetching, error } = useCustomerSearch(query)
  const results = query ? (data ?? []) : []

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      // Keep this Enter from also pressing whatever takes the focus next.
      e.preventDefault()
      if (input.trim() !== query) {
        setQuery(input.trim())
        setActive(0)
      } else if (results[active]) onPick(results[active])
    } else if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((i) => Math.min(i + 1, results.length - 1))
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((i) => Math.max(i - 1, 0))
    } else if (e.key === 'Escape') {
      setInput('')
      setQuery('')
    }
  }

  return (
    <Stack spacing={1.5}>
      <TextField
        autoFocus={autoFocus}
        fullWidth
        value={input}
        onChange={(e) => setInput(e.target.value)}
        onKeyDown={onKeyDown}
        label={translate('verity.search.label')}
        placeholder={translate('verity.search.placeholder')}
        helperText={translate('verity.search.help')}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon />
              </InputAdornment>
            ),
          },
          htmlInput: { 'aria-label': translate('verity.search.label') },
        }}
      />
      {error ? <Alert severity="warning">{(error as Error).message}</Alert> : null}
      {query && !isFetching && !error && results.length === 0 ? (
        <Typography color="text.secondary">{translate('verity.search.none')}</Typography>
      ) : null}
      {results.length > 0 && (
        <Paper variant="outlined">
          <List dense disablePadding aria-label={translate('verity.search.results', { smart_count: total ?? results.length })}>
            {results.map((c, i) => (
              // each result is an item of the list (a bare button in a <ul> is no list item to a screen reader)
              <ListItem key={c.id} disablePadding>
                <ListItemButton selected={i === active} onClick={() => onPick(c)}>
                  <ListItemText
                    primary={
                      <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap>
                        <span>{c.name}</span>
                        <Typography component="span" variant="body2" color="text.secondary">
                          #{c.id}
                        </Typography>
                        {c.status !== 'active' && (
                          <Chip size="small" color="warning" label={translate(`verity.customer.status.${c.status}`)} />
                        )}
                      </Stack>
                    }
                    slotProps={{ secondary: { sx: { overflowWrap: 'anywhere' } } }}
                    secondary={[c.email, c.phone, [c.city, c.country].filter(Boolean).join(', ')].filter(Boolean).join(' · ')}
                  />
                </ListItemButton>
              </ListItem>
            ))}
          </List>
        </Paper>
      )}
      {total !== undefined && total > results.length && (
        <Typography variant="body2" color="text.secondary">
          {translate('verity.search.more', { shown: results.length, total })}
        </Typography>
      )}
    </Stack>
  )
}
