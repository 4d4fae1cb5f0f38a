import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '../..')
const UI = path.join(ROOT, 'admin-ui')

function newestChange(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((t, e) => Math.max(t, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs), 0)
}

/** Builds the console when it is missing or older than its sources (a few seconds with Vite). */
export function ensureConsoleBuilt(): void {
  const built = path.join(UI, 'dist/index.html')
  const sources = Math.max(newestChange(path.join(UI, 'src')), fs.statSync(path.join(UI, 'index.html')).mtimeMs)
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return
  console.log('Building the console…')
  // A production build whoever asks: under a test runner NODE_ENV is 'test', which would give React's development build.
  const env = { ...process.env, NODE_ENV: 'production' }
  const r = spawnSync('npm', ['run', 'build', '--workspace', 'admin-ui'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status !== 0) throw new Error('Building the console failed (npm run build --workspace admin-ui).')
}
