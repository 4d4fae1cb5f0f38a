import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  FormGroup,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material'
import { useState } from 'react'
import { useTranslate } from 'react-admin'
import { CATEGORIES, OUTCOMES } from './choices'

export interface CloseInput {
  outcome: string
  categoriesProduced?: string[]
  partial?: boolean
}

/** Closes the record with its outcome and, where data was produced, what and whether in part. */
export function CloseDialogButton({ requested, onClose }: { requested: string[]; onClose: (input: CloseInput) => Promise<void> }) {
  const translate = useTranslate()
  const [open, setOpen] = useState(false)
  const [outcome, setOutcome] = useState<string>('non_content')
  const [produced, setProduced] = useState<string[]>(requested)
  const [partial, setPartial] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const producesData = outcome === 'content' || outcome === 'non_content'
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
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm">
        <DialogTitle>{translate('verity.disclosures.close')}</DialogTitle>
        <DialogContent>
          <TextField
            select
            fullWidth
            margin="dense"
            label={translate('resources.disclosures.fields.outcome')}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value)}
          >
            {OUTCOMES.map((o) => (
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
              <FormControlLabel
                control={<Checkbox checked={partial} onChange={(e) => setPartial(e.target.checked)} />}
                label={translate('verity.disclosures.partial')}
              />
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
