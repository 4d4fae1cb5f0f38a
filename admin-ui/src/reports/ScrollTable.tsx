import { Table, TableContainer } from '@mui/material'
import type { ReactNode } from 'react'

/**
 * A report's table in its own scrolling box: wide tables scroll sideways inside it on a phone rather than widening the
 * page, and long ones scroll under a header that stays put.
 */
export function ScrollTable({ children, label, maxHeight = 480 }: { children: ReactNode; label: string; maxHeight?: number }) {
  return (
    <TableContainer
      tabIndex={0}
      aria-label={label}
      role="region"
      sx={{
        maxHeight,
        overflow: 'auto',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        minWidth: 0,
        '& td, & th': { whiteSpace: 'nowrap' },
      }}
    >
      <Table size="small" stickyHeader>
        {children}
      </Table>
    </TableContainer>
  )
}

/** How a hidden figure reads in a table: said, not left blank or zero. */
export function HiddenCell({ text }: { text: string }) {
  return <em style={{ opacity: 0.8, whiteSpace: 'nowrap' }}>{text}</em>
}
