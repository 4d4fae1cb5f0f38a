import { describe, expect, it } from 'vitest'
import { foldedNames, foldName } from './fold.js'

describe('foldName', () => {
  it('drops accents and folds case in every script', () => {
    for (const typed of ['Élodie', 'ÉLODIE', 'élodie', 'Elodie', 'E\u0301lodie']) expect(foldName(typed)).toBe('elodie')
    expect(foldName('Müller')).toBe('muller')
    expect(foldName('García Pérez')).toBe('garcia perez')
    expect(foldName('Nguyễn')).toBe('nguyen')
    expect(foldName('João')).toBe('joao')
    expect(foldName('ΣΟΦΊΑ')).toBe('σοφια')
    expect(foldName('НАТАЛЬЯ')).toBe('наталья')
    expect(foldName('İlkay')).toBe('ilkay')
  })

  it('makes full-width forms ordinary and collapses spaces', () => {
    expect(foldName('Ｅｌｏｄｉｅ')).toBe('elodie')
    expect(foldName('ＷＡＮＧ　Ｗｅｉ')).toBe('wang wei')
    expect(foldName('  Al   Mansouri\t')).toBe('al mansouri')
    expect(foldName('ﾊﾙｶ')).toBe('ハルカ')
  })

  it('leaves Han characters and the marks that make letters of other scripts as they are', () => {
    expect(foldName('王伟')).toBe('王伟')
    expect(foldName('欧阳 秀兰')).toBe('欧阳 秀兰')
    expect(foldName('ガ')).toBe('ガ')
    expect(foldName('김민준')).toBe('김민준')
    expect(foldName('प्रिया')).toBe('प्रिया')
    expect(foldName('Ji-woo')).toBe('ji-woo')
  })

  it('keeps a missing name missing', () => {
    expect(foldName(null)).toBeNull()
    expect(foldName(undefined)).toBeNull()
    expect(foldedNames({ first_name: 'Élodie', last_name: null })).toEqual({ first_name_folded: 'elodie', last_name_folded: null })
  })
})
