import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material'
import { useLocale, useTranslate } from 'react-admin'
import { accountFields, type EditChanges } from './types'

type Translate = ReturnType<typeof useTranslate>

/** The label of a changed field: a customer column, or `addresses.<column>` / `payment_methods.remove` as results name them. */
export function changeLabel(translate: Translate, path: string, addressId?: number): string {
  const [group, column] = path.split('.')
  if (group === 'payment_methods') return translate('verity.requests.fields.cards_removed')
  if (group === 'addresses' && column) {
    const field = translate(`verity.requests.fields.${column === 'phone' ? 'address_phone' : column}`, { _: column })
    return addressId === undefined ? field : `${translate('verity.requests.address', { id: addressId })} · ${field}`
  }
  return translate(`verity.requests.fields.${path}`, { _: path })
}

/** An edit's changes as field → new value rows, in the order a person reads a record. */
export function changeRows(translate: Translate, locale: string, changes: EditChanges): [string, string][] {
  const value = (v: unknown) =>
    v === null || v === '' ? translate('verity.requests.cleared') : v === true ? translate('verity.requests.yes') : String(v)
  const rows: [string, string][] = []
  for (const key of accountFields(locale)) {
    if (changes[key] !== undefined) rows.push([changeLabel(translate, key), value(changes[key])])
  }
  if (changes.marketing_opt_in !== undefined) {
    rows.push([
      changeLabel(translate, 'marketing_opt_in'),
      translate(changes.marketing_opt_in ? 'verity.requests.marketing.in' : 'verity.requests.marketing.out'),
    ])
  }
  for (const { id, ...fields } of changes.addresses ?? []) {
    for (const [column, v] of Object.entries(fields)) rows.push([changeLabel(translate, `addresses.${column}`, id), value(v)])
  }
  for (const card of changes.payment_methods ?? []) {
    rows.push([translate('verity.requests.card', { id: card.id }), translate('verity.requests.remove')])
  }
  return rows
}

/** What an edit asks to change: each field with its new value; the old values are not kept here. */
export function ChangesTable({ changes }: { changes: EditChanges }) {
  const translate = useTranslate()
  const locale = useLocale()
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          <TableCell>{translate('verity.requests.change_field')}</TableCell>
          <TableCell>{translate('verity.requests.change_value')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changeRows(translate, locale, changes).map(([label, v], i) => (
          <TableRow key={i}>
            <TableCell>{label}</TableCell>
            <TableCell sx={{ wordBreak: 'break-word' }}>{v}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}
