import { Card, CardContent, Typography } from '@mui/material'
import { Title, useTranslate } from 'react-admin'
import { SessionList } from './SessionList'

/** "My sessions" (its heading is the page title in the app bar): every browser signed in as me, and a way to end any of them (any role). */
export default function SessionsPage() {
  const translate = useTranslate()
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={translate('verity.sessions.title')} />
      <CardContent>
        <Typography variant="body2" sx={{ mb: 2 }}>
          {translate('verity.sessions.intro')}
        </Typography>
        <SessionList path="auth/sessions" />
      </CardContent>
    </Card>
  )
}
