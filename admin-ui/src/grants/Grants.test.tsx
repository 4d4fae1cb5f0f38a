import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import axe from 'axe-core'
import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { intlLocale } from '../audit-log/auditText'
import { i18nProvider } from '../i18n/i18nProvider'
import { server, signedInAs } from '../test/server'
import { onAPhone } from '../test/phone'
import type { GrantRow } from './types'

const AT = '2026-11-27T09:30:00.000Z'
/** signedInAs gives the viewer id 7 */
const VIEWER = 7

const grant = (over: Partial<GrantRow>): GrantRow => ({
  id: 1,
  kind: 'role',
  status: 'pending',
  staff_id: 12,
  staff_name: 'Wu Fang',
  staff_email: 'wu.fang@example.com',
  role: 'compliance',
  setting: null,
  value: null,
  previous_value: null,
  requested_by: 4,
  requested_by_name: 'Alex Admin',
  requested_at: AT,
  decided_by: null,
  decided_by_name: null,
  decided_at: null,
  ...over,
})

const ROLE = grant({ id: 1 })
const LOWER_K = grant({
  id: 2,
  kind: 'setting',
  staff_id: null,
  staff_name: null,
  staff_email: null,
  role: null,
  setting: 'k_anonymity',
  value: 5,
  previous_value: 10,
})
/** asked for by the viewer */
const MINE = grant({
  id: 3,
  kind: 'setting',
  staff_id: null,
  staff_name: null,
  staff_email: null,
  role: null,
  setting: 'export_epsilon_per_year',
  value: 4.5,
  previous_value: 3,
  requested_by: VIEWER,
  requested_by_name: 'Wang Fang',
})
const APPROVED = grant({ id: 4, status: 'approved', staff_name: 'Li Na', decided_by: 9, decided_by_name: 'Chen Jing', decided_at: AT })

const list = (rows: GrantRow[]) =>
  HttpResponse.json(rows, { headers: { 'Content-Range': `grants 0-${Math.max(rows.length - 1, 0)}/${rows.length}` } })

/** The grants API, kept like the server keeps it: list by status, and the three steps, each recorded. */
function grantsApi(role: 'compliance' | 'admin', rows: GrantRow[] = [ROLE, LOWER_K, MINE, APPROVED]) {
  const state = rows.map((r) => ({ ...r }))
  const filters: unknown[] = []
  const posts: { path: string; body: unknown }[] = []
  server.use(
    ...signedInAs(role),
    http.get('/api/grants', ({ request }) => {
      const filter = JSON.parse(new URL(request.url).searchParams.get('filter') ?? '{}') as { status?: string }
      filters.push(filter)
      return list(state.filter((g) => !filter.status || g.status === filter.status))
    }),
    http.post('/api/grants/:id/:action', async ({ params, request }) => {
      posts.push({ path: `${params.id}/${params.action}`, body: await request.json() })
      const g = state.find((r) => r.id === Number(params.id))!
      g.status = ({ approve: 'approved', reject: 'rejected', cancel: 'cancelled' } as const)[params.action as 'approve']
      g.decided_by = VIEWER
      g.decided_by_name = 'Wang Fang'
      g.decided_at = AT
      return HttpResponse.json(g)
    }),
  )
  window.location.hash = '#/grants'
  render(<App />)
  return { filters, posts }
}

const ROLE_SENTENCE = 'Alex Admin asks to make Wu Fang (wu.fang@example.com) a compliance officer'
const K_SENTENCE = 'Alex Admin asks to lower “Smallest group shown in reports (k)” from 10 to 5'
const MINE_SENTENCE = 'Wang Fang asks to raise “Privacy budget ε of noisy partner exports per calendar year” from 3 to 4.5'

afterEach(async () => {
  vi.unstubAllGlobals()
  // the console's language outlives a test (the Chinese one below)
  await i18nProvider.changeLocale('en')
})
/** as the console writes a date and time in English */
const WHEN = new Intl.DateTimeFormat(intlLocale('en'), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(AT))

/** axe-core's WCAG A and AA problems rated serious or critical; colour contrast needs a real layout (the journeys check it). */
async function seriousProblems() {
  const { violations } = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast': { enabled: false } },
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)
}

describe('the grants list', () => {
  it('shows the waiting ones first, each in plain words with when it was asked', async () => {
    const { filters } = grantsApi('compliance')
    expect(await screen.findByText(ROLE_SENTENCE, {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText(K_SENTENCE)).toBeTruthy()
    expect(screen.getByText(MINE_SENTENCE)).toBeTruthy()
    expect(filters[0]).toEqual({ status: 'pending' })
    // decided ones are behind the filter
    expect(screen.queryByText(/Li Na/)).toBeNull()
    expect(screen.getAllByText(WHEN).length).toBe(3)
  })

  it('lists the decided ones, with who decided, when the filter asks for them', async () => {
    grantsApi('compliance')
    await screen.findByText(ROLE_SENTENCE, {}, { timeout: 5000 })
    await userEvent.click(screen.getByLabelText('Status'))
    await userEvent.click(await screen.findByRole('option', { name: 'Approved' }))
    expect(await screen.findByText('Alex Admin asked to make Li Na (wu.fang@example.com) a compliance officer')).toBeTruthy()
    expect(screen.getByText(`Approved by Chen Jing, ${WHEN}`)).toBeTruthy()
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull()
  })

  it('offers a compliance officer Approve and Reject on others’ requests and only Withdraw on their own', async () => {
    grantsApi('compliance')
    await screen.findByText(ROLE_SENTENCE, {}, { timeout: 5000 })
    expect(screen.getByRole('button', { name: 'Approve #1' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Reject #1' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Approve #2' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Approve #3' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Reject #3' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Withdraw #3' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Withdraw #1' })).toBeNull()
    expect(screen.getByText('You asked for this: a compliance officer other than you decides.')).toBeTruthy()
  })

  it('offers nothing on a grant that would make the viewer themself a compliance officer', async () => {
    grantsApi('compliance', [grant({ id: 5, staff_id: VIEWER, staff_name: 'Wang Fang', staff_email: 'compliance@example.com' })])
    await screen.findByText('Alex Admin asks to make Wang Fang (compliance@example.com) a compliance officer', {}, { timeout: 5000 })
    expect(screen.queryByRole('button', { name: /#5$/ })).toBeNull()
  })

  it('never offers an admin Approve or Reject, only Withdraw on what they asked for', async () => {
    grantsApi('admin')
    await screen.findByText(ROLE_SENTENCE, {}, { timeout: 5000 })
    expect(screen.queryByRole('button', { name: /^(Approve|Reject)/ })).toBeNull()
    expect(screen.getAllByRole('button', { name: /^Withdraw/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['Withdraw #3'])
  })

  it('approving names the consequence first; Escape changes nothing, Enter approves', async () => {
    const { posts } = grantsApi('compliance')
    await userEvent.click(await screen.findByRole('button', { name: 'Approve #1' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog', { name: 'Make Wu Fang a compliance officer?' })
    expect(
      within(dialog).getByText(/^Wu Fang will be able to open any customer’s record and release data under legal process\./),
    ).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Approve' }))
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(posts).toEqual([])

    await userEvent.click(screen.getByRole('button', { name: 'Approve #1' }))
    await screen.findByRole('dialog', { name: 'Make Wu Fang a compliance officer?' })
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(posts).toEqual([{ path: '1/approve', body: {} }]))
    expect(await screen.findByText('Approved: the change is in effect.')).toBeTruthy()
    // it leaves the waiting list
    await waitFor(() => expect(screen.queryByText(ROLE_SENTENCE)).toBeNull())
  })

  it('rejecting a setting says what stays, and withdrawing one’s own says nothing changes', async () => {
    const { posts } = grantsApi('compliance')
    await userEvent.click(await screen.findByRole('button', { name: 'Reject #2' }, { timeout: 5000 }))
    const reject = await screen.findByRole('dialog', { name: 'Reject setting “Smallest group shown in reports (k)” to 5?' })
    expect(
      within(reject).getByText('“Smallest group shown in reports (k)” stays 10. Alex Admin sees the request as rejected.'),
    ).toBeTruthy()
    await userEvent.click(within(reject).getByRole('button', { name: 'Reject' }))
    await waitFor(() => expect(posts.map((p) => p.path)).toEqual(['2/reject']))

    await userEvent.click(await screen.findByRole('button', { name: 'Withdraw #3' }))
    const withdraw = await screen.findByRole('dialog', { name: /^Withdraw your change to/ })
    await userEvent.click(within(withdraw).getByRole('button', { name: 'Withdraw the request' }))
    await waitFor(() => expect(posts.map((p) => p.path)).toEqual(['2/reject', '3/cancel']))
  })

  it('says why when the grant was decided meanwhile (409)', async () => {
    grantsApi('compliance')
    server.use(
      http.post('/api/grants/2/approve', () =>
        HttpResponse.json({ error: { code: 'conflict', message: 'This grant is no longer pending.' } }, { status: 409 }),
      ),
    )
    await userEvent.click(await screen.findByRole('button', { name: 'Approve #2' }, { timeout: 5000 }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByText(/^Reports will show groups as small as 5 people, down from 10/)).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }))
    expect(await screen.findByText('This grant is no longer pending.')).toBeTruthy()
  })

  it('on a phone each grant is a card with its steps, and the page has no serious accessibility problem', async () => {
    onAPhone()
    grantsApi('compliance')
    expect(await screen.findByText(ROLE_SENTENCE, {}, { timeout: 5000 })).toBeTruthy()
    // no table to scroll sideways: a list of cards
    expect(screen.queryByRole('table')).toBeNull()
    expect(screen.getByRole('button', { name: 'Approve #1' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Withdraw #3' })).toBeTruthy()
    expect(screen.getAllByText('Awaiting approval').length).toBeGreaterThan(0)
    expect(await seriousProblems()).toEqual([])
  })

  it('has no serious accessibility problem on a wide screen, and speaks Chinese', async () => {
    localStorage.setItem('RaStore.locale', JSON.stringify('zh'))
    grantsApi('compliance')
    expect(await screen.findByText('Alex Admin 申请将 Wu Fang（wu.fang@example.com）设为合规专员', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText('Alex Admin 申请将“报表中显示的最小组人数（k）”从 10 调低至 5')).toBeTruthy()
    expect(screen.getByRole('button', { name: '批准 #1' })).toBeTruthy()
    expect(await seriousProblems()).toEqual([])
  })
})

describe('where grants are reached from', () => {
  it('the compliance dashboard counts the waiting ones, linking to the list filtered to them', async () => {
    server.use(
      http.get('/api/dashboard', () => HttpResponse.json({ role: 'compliance', grants: { pending: 2 } })),
      ...signedInAs('compliance'),
    )
    render(<App />)
    const card = await screen.findByRole('region', { name: 'Grants awaiting approval' }, { timeout: 5000 })
    const link = await within(card).findByRole('link', { name: /^2\s*Awaiting approval$/ })
    expect(decodeURIComponent(link.getAttribute('href')!)).toBe('#/grants?filter={"status":"pending"}')
  })

  it('the admin dashboard too', async () => {
    server.use(
      http.get('/api/dashboard', () => HttpResponse.json({ role: 'admin', staff: { active: 4, disabled: 0 }, grants: { pending: 1 } })),
      ...signedInAs('admin'),
    )
    render(<App />)
    const card = await screen.findByRole('region', { name: 'Grants awaiting approval' }, { timeout: 5000 })
    expect(await within(card).findByRole('link', { name: /^1\s*Awaiting approval$/ })).toBeTruthy()
  })

  it('the audit desk has a way to them, and says grant entries as sentences', async () => {
    const entry = (id: number, action: string, details: Record<string, unknown>, staff: string | null = null) => ({
      id,
      at: AT,
      actor_id: 4,
      actor_name: 'Alex Admin',
      actor_role: 'admin',
      action,
      entity_type: 'grant',
      entity_id: String(id),
      customer_id: null,
      staff_id: staff ? 12 : null,
      staff_name: staff,
      ip: '203.0.113.9',
      details,
      reason: null,
    })
    server.use(
      ...signedInAs('compliance'),
      http.get('/api/audit-log', () =>
        HttpResponse.json(
          [
            entry(6, 'grant.requested', { kind: 'role', role: 'compliance', staff_id: 12 }, 'Wu Fang'),
            entry(5, 'grant.requested', { kind: 'setting', setting: 'k_anonymity', from: 10, to: 5 }),
            { ...entry(5, 'grant.approved', { kind: 'setting', setting: 'k_anonymity' }), id: 7, actor_name: 'Chen Jing' },
            { ...entry(6, 'grant.cancelled', { staff_id: 12 }, 'Wu Fang'), id: 8 },
          ],
          { headers: { 'Content-Range': 'audit-log 0-3/4' } },
        ),
      ),
      http.get('/api/audit-log/staff', () => HttpResponse.json([])),
      http.get('/api/audit-log/verify/latest', () => HttpResponse.json({ run: null })),
    )
    window.location.hash = '#/audit-log'
    render(<App />)
    expect(
      await screen.findByText(
        'Alex Admin asked for a compliance officer’s approval (grant #6): Wu Fang as Compliance officer',
        {},
        { timeout: 5000 },
      ),
    ).toBeTruthy()
    expect(
      screen.getByText('Alex Admin asked for a compliance officer’s approval (grant #5): Smallest group shown in reports (k) from 10 to 5'),
    ).toBeTruthy()
    expect(screen.getByText('Chen Jing approved grant #5: Smallest group shown in reports (k)')).toBeTruthy()
    expect(screen.getByText('Alex Admin withdrew grant #6: a role for Wu Fang')).toBeTruthy()
    const link = screen.getByRole('link', { name: 'Grants awaiting approval' })
    expect(decodeURIComponent(link.getAttribute('href')!)).toBe('#/grants?filter={"status":"pending"}')
  })
})

describe('settings that need a second person', () => {
  const K = { id: 'k_anonymity', value: 10, default: 10, updated_at: null, updated_by: null }

  it('a 202 says the change was sent for approval, not saved, and the list shows the value waiting', async () => {
    let pending: GrantRow[] = []
    const sent: unknown[] = []
    server.use(
      ...signedInAs('admin'),
      http.get('/api/settings', () => HttpResponse.json([K], { headers: { 'Content-Range': 'settings 0-0/1' } })),
      http.get('/api/settings/k_anonymity', () => HttpResponse.json(K)),
      http.put('/api/settings/k_anonymity', async ({ request }) => {
        sent.push(await request.json())
        pending = [{ ...LOWER_K, requested_by: VIEWER, requested_by_name: 'Wang Fang' }]
        return HttpResponse.json({ ...K, pending_grant: { id: 2, value: 5 } }, { status: 202 })
      }),
      http.get('/api/grants', () => list(pending)),
    )
    window.location.hash = '#/settings/k_anonymity'
    render(<App />)
    const value = await screen.findByLabelText(/^value/i, {}, { timeout: 5000 })
    await waitFor(() => expect((value as HTMLInputElement).value).toBe('10'))
    await userEvent.clear(value)
    await userEvent.type(value, '5')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    expect(await screen.findByText('Sent for approval: a compliance officer must approve this change')).toBeTruthy()
    expect(screen.queryByText(/Element updated/)).toBeNull()
    expect(sent).toEqual([expect.objectContaining({ value: 5 })])
    await waitFor(() => expect(window.location.hash).toBe('#/settings'))
    expect(await screen.findByText('5 awaiting approval')).toBeTruthy()
  })

  it('the edit page says which value waits, and who asked', async () => {
    server.use(
      ...signedInAs('admin'),
      http.get('/api/settings/k_anonymity', () => HttpResponse.json(K)),
      http.get('/api/grants', () => list([LOWER_K])),
    )
    window.location.hash = '#/settings/k_anonymity'
    render(<App />)
    expect(
      await screen.findByText(/A change to 5, asked for by Alex Admin, awaits a compliance officer’s approval\./, {}, { timeout: 5000 }),
    ).toBeTruthy()
    expect(screen.getByRole('link', { name: 'See what awaits approval' })).toBeTruthy()
  })

  it('a change saved at once says so as before', async () => {
    const U = { id: 'unmask_window_minutes', value: 15, default: 15, updated_at: null, updated_by: null }
    server.use(
      ...signedInAs('admin'),
      http.get('/api/settings', () => HttpResponse.json([U], { headers: { 'Content-Range': 'settings 0-0/1' } })),
      http.get('/api/settings/unmask_window_minutes', () => HttpResponse.json(U)),
      http.put('/api/settings/unmask_window_minutes', () => HttpResponse.json({ ...U, value: 10 })),
      http.get('/api/grants', () => list([])),
    )
    window.location.hash = '#/settings/unmask_window_minutes'
    render(<App />)
    const value = await screen.findByLabelText(/^value/i, {}, { timeout: 5000 })
    await waitFor(() => expect((value as HTMLInputElement).value).toBe('15'))
    await userEvent.clear(value)
    await userEvent.type(value, '10')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    expect(await screen.findByText('Element updated')).toBeTruthy()
    expect(screen.queryByText(/Sent for approval/)).toBeNull()
  })
})

describe('the compliance role waits for approval on staff accounts', () => {
  const LI_NA = { id: 1, email: 'li.na@example.com', name: 'Li Na', role: 'agent', status: 'active', last_login_at: null }

  it('the list marks a role and an account that wait', async () => {
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff', () =>
        HttpResponse.json(
          [
            { ...LI_NA, pending_role: 'compliance', pending_grant_id: 1 },
            {
              id: 12,
              email: 'wu.fang@example.com',
              name: 'Wu Fang',
              role: 'compliance',
              status: 'pending',
              pending_role: 'compliance',
              pending_grant_id: 2,
              last_login_at: null,
            },
          ],
          { headers: { 'Content-Range': 'staff 0-1/2' } },
        ),
      ),
    )
    window.location.hash = '#/staff'
    render(<App />)
    const liNa = (await screen.findByText('li.na@example.com', {}, { timeout: 5000 })).closest('tr')!
    expect(within(liNa).getByText('Agent')).toBeTruthy()
    expect(within(liNa).getByText('Compliance officer: awaiting approval')).toBeTruthy()
    expect(within(liNa).getByText('Active')).toBeTruthy()
    const wuFang = screen.getByText('wu.fang@example.com').closest('tr')!
    expect(within(wuFang).getByText('Awaiting approval')).toBeTruthy()
  })

  it('changing a role to compliance says it waits for approval, before and after saving', async () => {
    const sent: unknown[] = []
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff/1', () => HttpResponse.json(LI_NA)),
      http.get('/api/staff/1/sessions', () => HttpResponse.json([])),
      http.put('/api/staff/1', async ({ request }) => {
        sent.push(await request.json())
        return HttpResponse.json({ ...LI_NA, pending_role: 'compliance', pending_grant_id: 1 })
      }),
      http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/0' } })),
    )
    window.location.hash = '#/staff/1'
    render(<App />)
    await userEvent.click(await screen.findByLabelText(/^role/i, {}, { timeout: 5000 }))
    await userEvent.click(await screen.findByRole('option', { name: 'Compliance officer' }))
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    const dialog = await screen.findByRole('dialog', { name: 'Save the changes to Li Na?' })
    expect(
      within(dialog).getByText('A compliance officer must approve this first; until then Li Na keeps their current role.'),
    ).toBeTruthy()
    expect(within(dialog).queryByText(/signed out at once/)).toBeNull()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change role' }))
    await waitFor(() => expect(sent).toEqual([expect.objectContaining({ role: 'compliance' })]))
    expect(
      await screen.findByText('Sent for approval: a compliance officer must approve before Li Na becomes a compliance officer.'),
    ).toBeTruthy()
  })

  it('the edit page of an account whose role waits says so', async () => {
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff/1', () => HttpResponse.json({ ...LI_NA, pending_role: 'compliance', pending_grant_id: 1 })),
      http.get('/api/staff/1/sessions', () => HttpResponse.json([])),
      http.get('/api/grants', () => list([])),
    )
    window.location.hash = '#/staff/1'
    render(<App />)
    expect(await screen.findByText('Compliance officer: awaiting approval', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText(/The role Compliance officer for Li Na awaits a compliance officer’s approval/)).toBeTruthy()
  })

  it('an account that waits can be renamed or disabled, never made active by hand, and its status is not sent back', async () => {
    const WAITING = {
      id: 12,
      email: 'wu.fang@example.com',
      name: 'Wu Fang',
      role: 'compliance',
      status: 'pending',
      pending_role: 'compliance',
      pending_grant_id: 2,
      last_login_at: null,
    }
    const sent: Record<string, unknown>[] = []
    server.use(
      ...signedInAs('admin'),
      http.get('/api/staff/12', () => HttpResponse.json(WAITING)),
      http.get('/api/staff/12/sessions', () => HttpResponse.json([])),
      http.put('/api/staff/12', async ({ request }) => {
        sent.push((await request.json()) as Record<string, unknown>)
        return HttpResponse.json(WAITING)
      }),
      http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/0' } })),
    )
    window.location.hash = '#/staff/12'
    render(<App />)
    expect(
      await screen.findByText(
        'A compliance officer must approve this account before Wu Fang can sign in.',
        { exact: false },
        { timeout: 5000 },
      ),
    ).toBeTruthy()
    await userEvent.click(screen.getByLabelText(/^status/i))
    expect((await screen.findAllByRole('option')).map((o) => o.textContent)).toEqual(['Awaiting approval', 'Disabled'])
    await userEvent.keyboard('{Escape}')
    const name = screen.getByLabelText(/^name/i)
    await userEvent.clear(name)
    await userEvent.type(name, 'Wu Fang (Beijing)')
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ name: 'Wu Fang (Beijing)' })
    expect(sent[0]).not.toHaveProperty('status')
  })

  it('creating a compliance officer says the account waits for approval', async () => {
    server.use(
      ...signedInAs('admin'),
      http.post('/api/staff', async ({ request }) => {
        const body = (await request.json()) as object
        return HttpResponse.json(
          { id: 12, ...body, status: 'pending', pending_role: 'compliance', pending_grant_id: 2, last_login_at: null },
          { status: 201 },
        )
      }),
      http.get('/api/staff', () => HttpResponse.json([], { headers: { 'Content-Range': 'staff 0-0/0' } })),
    )
    window.location.hash = '#/staff/create'
    render(<App />)
    await userEvent.type(await screen.findByLabelText(/^name/i, {}, { timeout: 5000 }), 'Wu Fang')
    await userEvent.type(screen.getByLabelText(/^email/i), 'wu.fang@example.com')
    await userEvent.click(screen.getByLabelText(/^role/i))
    await userEvent.click(await screen.findByRole('option', { name: 'Compliance officer' }))
    await userEvent.click(screen.getByRole('button', { name: /save/i }))
    expect(
      await screen.findByText('Account created for Wu Fang. A compliance officer must approve it before they can sign in.'),
    ).toBeTruthy()
  })
})
