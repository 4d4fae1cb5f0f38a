import { Button, Link as MuiLink, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material'
import { useNotify, useTranslate } from 'react-admin'
import { TitledCard } from './TitledCard'

export interface Attachment {
  id: number
  filename: string
  size: number
  sha256: string
}

/**
 * Files kept with a record (a subpoena, a letter of authority), each a download by its name with its SHA-256, and a
 * button to attach another while the record takes them.
 */
export function AttachmentsCard({
  title,
  files,
  href,
  onAttach,
}: {
  title: string
  files: Attachment[]
  href: (file: Attachment) => string
  /** omitted where the record takes no more files */
  onAttach?: (file: File) => Promise<void>
}) {
  const translate = useTranslate()
  const notify = useNotify()
  const attach = (file: File | undefined) => {
    if (file && onAttach) void onAttach(file).catch((e: Error) => notify(e.message, { type: 'error' }))
  }
  return (
    <TitledCard title={title}>
      {files.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {translate('verity.attachments.none')}
        </Typography>
      ) : (
        <Table size="small">
          <TableBody>
            {files.map((a) => (
              <TableRow key={a.id}>
                <TableCell>
                  <MuiLink href={href(a)} download={a.filename}>
                    {a.filename}
                  </MuiLink>
                </TableCell>
                <TableCell>{(a.size / 1024).toFixed(1)} KiB</TableCell>
                <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }}>SHA-256 {a.sha256}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {onAttach && (
        <Button component="label" sx={{ mt: 1 }}>
          {translate('verity.attachments.attach')}
          <input hidden type="file" onChange={(e) => attach(e.target.files?.[0])} />
        </Button>
      )}
    </TitledCard>
  )
}
