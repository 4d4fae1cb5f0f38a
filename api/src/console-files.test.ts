import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from './testing.js'

describe('the console files', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let dir: string
  beforeAll(async () => {
    // a build as Vite leaves it: the shell, an asset and the manifest naming the sources
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-console-'))
    fs.mkdirSync(path.join(dir, 'assets'))
    fs.mkdirSync(path.join(dir, '.vite'))
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Verity</title>')
    fs.writeFileSync(path.join(dir, 'assets/console-abc.js'), 'console.log(1)')
    fs.writeFileSync(path.join(dir, '.vite/manifest.json'), '{"src/main.tsx":{}}')
    t = await createTestApp({ customers: 0, config: { uiDir: dir } })
  })
  afterAll(async () => {
    await t.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('serves the shell for client routes and the assets, cached for good', async () => {
    const shell = await t.request('GET', '/customers/12/show')
    expect(shell.text).toContain('<title>Verity</title>')
    const asset = await t.request('GET', '/assets/console-abc.js')
    expect(asset.text).toBe('console.log(1)')
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  it('never serves what the build keeps beside the console: the manifest of its sources, any dot file', async () => {
    for (const p of ['/.vite/manifest.json', '/assets/../.vite/manifest.json', '/.env']) {
      const res = await t.request('GET', p)
      expect(res.text, p).not.toContain('src/main.tsx')
    }
  })
})
