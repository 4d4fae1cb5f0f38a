import { Box, Card, CardContent } from '@mui/material'
import { Title, useTranslate } from 'react-admin'
import { useNavigate } from 'react-router-dom'
import { PasswordBanner } from './PasswordBanner'
import { CustomerSearch } from './CustomerSearch'

/** The customers list is a search: no one browses everyone's details. */
export default function CustomerList() {
  const translate = useTranslate()
  const navigate = useNavigate()
  return (
    <Box sx={{ mt: 2, maxWidth: 860 }}>
      <Title title={translate('resources.customers.name', { smart_count: 2 })} />
      <PasswordBanner />
      <Card>
        <CardContent>
          <CustomerSearch onPick={(c) => navigate(`/customers/${c.id}/show`)} />
        </CardContent>
      </Card>
    </Box>
  )
}
