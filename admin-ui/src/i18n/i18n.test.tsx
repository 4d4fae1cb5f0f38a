import { afterEach, describe, expect, it, vi } from 'vitest'
import { en } from './en'
import { i18nProvider, openingLocale } from './i18nProvider'
import { zh } from './zh'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('translations', () => {
  it('give every English string a Simplified Chinese one', () => {
    const zhKeys = new Set(keys(zh))
    expect(keys(en).filter((k) => !zhKeys.has(k))).toEqual([])
  })

  it('translate Verity’s own strings rather than copying the English', () => {
    const flat = (o: object) =>
      Object.fromEntries(keys(o).map((k) => [k, k.split('.').reduce<unknown>((a, p) => (a as Record<string, unknown>)[p], o)]))
    // react-admin's own strings too, where the Chinese pack is older than react-admin (zh.ts fills them in)
    const e = flat({ verity: en.verity, resources: en.resources, ra: en.ra })
    const z = flat({ verity: zh.verity, resources: zh.resources, ra: zh.ra })
    const same = Object.keys(e).filter((k) => e[k] === z[k] && !/^(verity\.title|ra\.boolean\.null)$/.test(k))
    expect(same).toEqual([])
  })
})

describe('the console’s language', () => {
  afterEach(async () => {
    vi.restoreAllMocks()
    await i18nProvider.changeLocale('en')
  })

  it('opens in the language chosen last, else in the browser’s', () => {
    expect(openingLocale()).toBe('en')
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('zh-CN')
    expect(openingLocale()).toBe('zh')
    // react-admin's store, as the language switch leaves it
    localStorage.setItem('RaStore.locale', JSON.stringify('en'))
    expect(openingLocale()).toBe('en')
  })

  it('loads the other language’s strings when switched to, and comes back', async () => {
    expect(i18nProvider.translate('verity.sign_in.email')).toBe('Email')
    await i18nProvider.changeLocale('zh')
    expect(i18nProvider.getLocale()).toBe('zh')
    expect(i18nProvider.translate('verity.sign_in.email')).toBe('电子邮件')
    await i18nProvider.changeLocale('en')
    expect(i18nProvider.translate('verity.sign_in.email')).toBe('Email')
  })

  it('tells the page which language it is in, for screen readers', async () => {
    expect(document.documentElement.lang).toBe('en')
    await i18nProvider.changeLocale('zh')
    expect(document.documentElement.lang).toBe('zh-Hans')
    await i18nProvider.changeLocale('en')
    expect(document.documentElement.lang).toBe('en')
  })
})
