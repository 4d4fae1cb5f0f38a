import { describe, expect, it } from 'vitest'
import { progressLine } from './progress.js'

const run = (isTTY: boolean) => {
  const written: string[] = []
  const line = progressLine({ isTTY, write: (s) => written.push(s) })
  for (let done = 200; done <= 1_000_000; done += 200) line.show(done, 1_000_000, `${done} / 1000000`)
  line.end('Seeded.')
  return written
}

describe('a progress line', () => {
  it('in a log, is a line for each tenth of the way, not one for each batch', () => {
    const tenths = Array.from({ length: 9 }, (_, i) => `${(i + 1) * 100_000} / 1000000\n`)
    expect(run(false)).toEqual(['200 / 1000000\n', ...tenths, '1000000 / 1000000\n', 'Seeded.\n'])
  })

  it('on a terminal, is rewritten in place a few times a second, and always shows the end', () => {
    const written = run(true)
    expect(written.length).toBeLessThan(50)
    expect(written[0]).toBe('\r200 / 1000000')
    expect(written.slice(-2)).toEqual(['\r1000000 / 1000000', '\nSeeded.\n'])
  })
})
