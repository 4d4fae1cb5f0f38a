import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material'
import { useId, useState } from 'react'
import { useTranslate } from 'react-admin'
import { CATEGORIES, OUTCOMES } from './choices'

export interface CloseInput {
  outcome: string
  categoriesProduced?: string[]
  partial?: boolean
}

const PRODUCES_DATA = new Set(['content', 'non_content'])

/**
 * Closes the record with its outcome and, where data was produced, what and whether in part; the dialog names what closing
 * does. `mayDisclose` false (whoever logged it, while another officer could release) offers only outcomes without data.
 */
export function CloseDialogButton({
  requested,
  mayDisclose,
  onClose,
}: {
  requested: string[]
  mayDisclose: boolean
  onClose: (input: CloseInput) => Promise<void>
}) {
  const translate = useTranslate()
  const outcomes = OUTCOMES.filter((o) => mayDisclose || !PRODUCES_DATA.has(o))
  const [open, setOpen] = useState(false)
  const [outcome, setOutcome] = useState<string>(mayDisclose ? 'non_content' : 'rejected')
  const ids = { consequence: useId(), partialHelp: useId() }
  const [produced, setProduced] = useState<string[]>(requested)
  const [partial, setPartial] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const producesData = PRODUCES_DATA.has(outcome)
  const submit = async () => {
    try {
      await onClose(producesData ? { outcome, categoriesProduced: produced, partial } : { outcome })
      setOpen(false)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  return (
    <>
      <Button variant="contained" onClick={() => setOpen(true)}>
        {translate('verity.disclosures.close')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm" aria-describedby={ids.consequence}>
        <DialogTitle>{translate('verity.disclosures.close')}</DialogTitle>
        <DialogContent>
          <DialogContentText id={ids.consequence}>{translate('verity.disclosures.close_consequence')}</DialogContentText>
          {!mayDisclose && (
            <Alert severity="info" sx={{ mt: 1 }}>
              {translate('verity.disclosures.close_own_record')}
            </Alert>
          )}
          <TextField
            select
            autoFocus
            fullWidth
            margin="dense"
            label={translate('resources.disclosures.fields.outcome')}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value)}
          >
            {outcomes.map((o) => (
              <MenuItem key={o} value={o}>
                {translate(`verity.disclosures.outcomes.${o}`)}
              </MenuItem>
            ))}
          </TextField>
          {producesData && (
            <>
              <Typography variant="subtitle2" sx={{ mt: 2 }}>
                {translate('resources.disclosures.fields.categoriesProduced')}
              </Typography>
              <FormGroup row>
                {CATEGORIES.map((c) => (
                  <FormControlLabel
                    key={c}
                    label={translate(`verity.disclosures.categories.${c}`)}
                    control={
                      <Checkbox
                        checked={produced.includes(c)}
                        onChange={(e) => setProduced(e.target.checked ? [...produced, c] : produced.filter((p) => p !== c))}
                      />
                    }
                  />
                ))}
              </FormGroup>
              <FormControl sx={{ mt: 1 }}>
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={partial}
                      onChange={(e) => setPartial(e.target.checked)}
                      slotProps={{ input: { 'aria-describedby': ids.partialHelp } }}
                    />
                  }
                  label={translate('verity.disclosures.partial_label')}
                />
                <FormHelperText id={ids.partialHelp} sx={{ mt: 0 }}>
                  {translate('verity.disclosures.partial_help')}
                </FormHelperText>
              </FormControl>
            </>
          )}
          {error && <Typography color="error">{error}</Typography>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" onClick={() => void submit()}>
            {translate('verity.disclosures.close')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
