import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { startI18n } from './i18n/i18nProvider'

// The strings come in one chunk per language (i18n/i18nProvider.ts): the first render waits for the opening
// language's, so that no screen shows bare keys.
void startI18n().then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
)
