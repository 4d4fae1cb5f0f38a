import { Card, CardContent, Typography } from '@mui/material'
import { Title, useTranslate } from 'react-admin'
import { TwoStepSection } from '../mfa/TwoStepSection'
import { SessionList } from './SessionList'

/**
 * "My sessions" (its heading is the page title in the app bar), any role: every browser signed in as me, and a way to
 * end any of them; then one's two-step sign-in.
 */
export default function SessionsPage() {
  const translate = useTranslate()
  return (
    <>
      <Title title={translate('verity.sessions.title')} />
      <Card sx={{ mt: 2 }} component="section" aria-labelledby="my-sessions-heading">
        <CardContent>
          <Typography id="my-sessions-heading" component="h2" variant="h6" gutterBottom>
            {translate('verity.mfa.profile.sessions_heading')}
          </Typography>
          <Typography variant="body2" sx={{ mb: 2 }}>
            {translate('verity.sessions.intro')}
          </Typography>
          <SessionList path="auth/sessions" />
        </CardContent>
      </Card>
      <TwoStepSection />
    </>
  )
}
