import polyglotI18nProvider from 'ra-i18n-polyglot'
import { resolveBrowserLocale } from 'react-admin'
import { en } from './en'
import { zh } from './zh'

export const LOCALES = [
  { locale: 'en', name: 'English' },
  { locale: 'zh', name: '简体中文' },
]

export const i18nProvider = polyglotI18nProvider(
  (locale) => (locale === 'zh' ? zh : en),
  resolveBrowserLocale('en') === 'zh' ? 'zh' : 'en',
  LOCALES,
)
