import PrintIcon from '@mui/icons-material/Print'
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  GlobalStyles,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material'
import { Loading, Title, useTranslate } from 'react-admin'
import { useParams } from 'react-router-dom'
import { useFormats } from '../customers/CustomerSections'
import { useApiQuery } from '../useApiQuery'

interface Accounting {
  customerId: number
  since: string
  generatedAt: string
  entries: {
    disclosureId: number
    date: string
    recipient: string
    jurisdiction: string
    what: string[]
    why: string
    requestType: string
    caseNumber: string
    partial: boolean
  }[]
}

/** A printable accounting of every disclosure of one customer's data over six years. */
export default function AccountingPage() {
  const { customerId } = useParams()
  const translate = useTranslate()
  const fmt = useFormats()
  const { data, isPending, error } = useApiQuery<Accounting>(['accounting', customerId], `disclosures/accounting/${customerId}`)
  if (isPending) return <Loading />
  if (error || !data) return <Alert severity="error">{(error as Error)?.message}</Alert>
  return (
    <Box sx={{ mt: 2, maxWidth: 1000 }}>
      {/* On paper: the accounting alone, without the console around it. */}
      <GlobalStyles
        styles={{
          '@media print': {
            'header, .RaSidebar-root, .MuiDrawer-root': { display: 'none !important' },
            '.RaLayout-content': { padding: 0 },
          },
        }}
      />
      <Title title={translate('verity.accounting.title', { id: data.customerId })} />
      <Card>
        <CardContent>
          <Stack direction="row" justifyContent="space-between" alignItems="flex-start">
            <Box>
              <Typography variant="h6" component="h1">
                {translate('verity.accounting.title', { id: data.customerId })}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {translate('verity.accounting.scope', { since: fmt.date(data.since), at: fmt.time(data.generatedAt) })}
              </Typography>
            </Box>
            <Button startIcon={<PrintIcon />} onClick={() => window.print()} sx={{ displayPrint: 'none' }}>
              {translate('verity.accounting.print')}
            </Button>
          </Stack>
          {data.entries.length === 0 ? (
            <Typography sx={{ mt: 2 }}>{translate('verity.accounting.none')}</Typography>
          ) : (
            <Table size="small" sx={{ mt: 2 }}>
              <TableHead>
                <TableRow>
                  {['date', 'recipient', 'what', 'why'].map((h) => (
                    <TableCell key={h}>{translate(`verity.accounting.${h}`)}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {data.entries.map((e) => (
                  <TableRow key={e.disclosureId}>
                    <TableCell>{fmt.date(e.date)}</TableCell>
                    <TableCell>
                      {e.recipient} ({e.jurisdiction})
                    </TableCell>
                    <TableCell>
                      {e.what.map((c) => translate(`verity.disclosures.categories.${c}`)).join(', ')}
                      {e.partial ? ` (${translate('verity.disclosures.partial')})` : ''}
                    </TableCell>
                    <TableCell>
                      {translate(`verity.disclosures.types.${e.requestType}`)} {e.caseNumber}: {e.why}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </Box>
  )
}
