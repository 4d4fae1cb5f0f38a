import DownloadIcon from '@mui/icons-material/Download'
import { Alert, Box, Button, Checkbox, FormControlLabel, Typography } from '@mui/material'
import { useState } from 'react'
import { useTranslate } from 'react-admin'
import { saveFile } from '../reports/exportCsv'
import { recoveryCodesText } from './codes'
import { CopyButton } from './CopyButton'

/**
 * The ten recovery codes, shown this once (the server keeps only their hashes): copy them, download them as a text
 * file, and tick that they are saved before going on.
 */
export function RecoveryCodes({ codes, doneLabel, onDone }: { codes: string[]; doneLabel: string; onDone: () => void }) {
  const translate = useTranslate()
  const [saved, setSaved] = useState(false)
  const text = recoveryCodesText(codes, translate('verity.mfa.recovery.file_heading'))
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Alert severity="warning" role="note">
        {translate('verity.mfa.recovery.once')}
      </Alert>
      <Typography variant="body2">{translate('verity.mfa.recovery.intro')}</Typography>
      <Box
        component="ol"
        aria-label={translate('verity.mfa.recovery.list')}
        sx={{
          m: 0,
          p: 1.5,
          listStyle: 'none',
          display: 'grid',
          gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
          gap: 1,
          fontFamily: 'monospace',
          fontSize: '1rem',
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
        }}
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
        <CopyButton text={text} label="verity.mfa.recovery.copy" />
        <Button
          variant="outlined"
          size="small"
          startIcon={<DownloadIcon />}
          onClick={() => saveFile(new Blob([text], { type: 'text/plain;charset=utf-8' }), 'verity-recovery-codes.txt')}
        >
          {translate('verity.mfa.recovery.download')}
        </Button>
      </Box>
      <FormControlLabel
        control={<Checkbox checked={saved} onChange={(e) => setSaved(e.target.checked)} />}
        label={translate('verity.mfa.recovery.saved')}
      />
      <Button variant="contained" disabled={!saved} onClick={onDone}>
        {translate(doneLabel)}
      </Button>
    </Box>
  )
}
