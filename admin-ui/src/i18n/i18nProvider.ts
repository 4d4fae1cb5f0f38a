import polyglotI18nProvider from 'ra-i18n-polyglot'
import { type I18nProvider, localStorageStore, resolveBrowserLocale, type TranslationMessages } from 'react-admin'

export const LOCALES = [
  { locale: 'en', name: 'English' },
  { locale: 'zh', name: '简体中文' },
]

type Language = 'en' | 'zh'

const language = (locale: unknown): Language => (locale === 'zh' ? 'zh' : 'en')

/** A language's BCP 47 tag, for `lang` attributes: screen readers and fonts pick their voice and glyphs by it. */
export const languageTag = (locale: unknown) => (language(locale) === 'zh' ? 'zh-Hans' : 'en')

/** The page says which language it is in, so a screen reader reads the Chinese console in a Chinese voice. */
function showLanguage(locale: unknown) {
  document.documentElement.lang = languageTag(locale)
}

/**
 * Each language's strings are a chunk of their own (some 20 kB gzip each): a browser downloads the one it shows, and
 * the other only when someone switches to it. (One function per language: written as one ternary, the minifier merged
 * the two imports into one preload, and a Chinese browser fetched the English strings too.)
 */
const MESSAGES: Record<Language, () => Promise<TranslationMessages>> = {
  en: () => import('./en').then((m) => m.en),
  zh: () => import('./zh').then((m) => m.zh),
}
const messagesOf = (locale: Language) => MESSAGES[locale]()

/**
 * The language the console opens in: the one chosen last (react-admin keeps the choice in its store, in
 * localStorage), else the browser's. Opening in it at once spares loading one language only to switch to the other.
 */
export function openingLocale(): Language {
  return language(localStorageStore().getItem('locale') ?? resolveBrowserLocale('en'))
}

let started: I18nProvider | null = null

/**
 * Loads the strings of the opening language and makes the console's provider with them: ra-i18n-polyglot wants the
 * first language's strings at hand, and loads any other (a Promise) when the locale changes. main.tsx awaits this
 * before the first render; the tests' setup does too.
 */
export async function startI18n(locale: Language = openingLocale()): Promise<void> {
  const opening = await messagesOf(locale)
  started = polyglotI18nProvider((l) => (language(l) === locale ? opening : messagesOf(language(l))), locale, LOCALES)
  showLanguage(locale)
}

function provider(): I18nProvider {
  if (!started) throw new Error('The console’s strings are not loaded yet: startI18n() comes before the first render.')
  return started
}

/** The console's one provider, for react-admin (App.tsx) and for code outside React (httpClient's messages). */
export const i18nProvider: I18nProvider = {
  translate: (key, options) => provider().translate(key, options),
  changeLocale: async (locale, options) => {
    await provider().changeLocale(locale, options)
    showLanguage(locale)
  },
  getLocale: () => provider().getLocale(),
  getLocales: () => LOCALES,
}
