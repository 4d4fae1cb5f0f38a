import { afterAll, beforeAll, it } from 'vitest'
import { QUESTION_LABELS } from '@verity/api'
import { callerAnswers, fullyOnFile } from '@verity/api/testing'
import { type Journey, signIn, startJourney } from './harness.js'

let j: Journey
beforeAll(async () => { j = await startJourney() })
afterAll(() => j?.close())

it('debug', async () => {
  const id = await fullyOnFile(j.handle.db, 0)
  const customer = await j.handle.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const truth = await callerAnswers(j.handle.db, id)
  const answers = Object.fromEntries(Object.entries(QUESTION_LABELS).map(([f, l]) => [l, truth[f]]))
  const page = await j.newPage()
  await signIn(page, j.base, 'agent')
  await page.goto(`${j.base}/#/verify/${id}`)
  await page.getByRole('button', { name: 'Start verification' }).click()
  for (let i = 0; i < 3; i++) {
    const field = page.getByLabel(/^The caller says:/)
    await field.waitFor()
    const label = await page.locator('label', { hasText: 'The caller says:' }).innerText()
    const q = label.replace(/^The caller says: /, '').replace(/\s*\*$/, '').trim()
    await field.fill(answers[q]!)
    await field.press('Enter')
    await page.getByText('Match', { exact: true }).nth(i).waitFor()
  }
  await page.waitForURL(new RegExp(`#/customers/${id}/show`))
  await page.setViewportSize({ width: 390, height: 844 })
  await page.waitForTimeout(500)
  const wide = await page.evaluate(() => {
    const out: string[] = [`doc ${document.documentElement.scrollWidth}`]
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect()
      if (r.right > 392 && el.children.length < 50) out.push(`${el.tagName}.${String(el.className).slice(0, 80)} right=${Math.round(r.right)} w=${Math.round(r.width)} text=${(el.textContent ?? '').slice(0, 40)}`)
    }
    return out.slice(0, 60)
  })
  console.log(wide.filter((l) => /TABLE|doc/.test(l)).join('\n'))
  console.log(JSON.stringify(await page.getByRole('button', { name: /password reset/i }).boundingBox()), await page.getByRole('button', { name: /password reset/i }).count())
  console.log(await page.evaluate(() => document.querySelector('.MuiCardContent-root')!.innerHTML.slice(0, 3000)))
  void customer
}, 120000)
