import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { main } from '@verity/api'

/** `npm start`: builds the console when it is missing, then runs the server (which migrates and seeds). */
const root = path.resolve(import.meta.dirname, '../..')
if (!fs.existsSync(path.join(root, 'admin-ui/dist/index.html'))) {
  console.log('Building the console (first start only)…')
  const build = spawnSync('npm', ['run', 'build', '--workspace', 'admin-ui'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
await main()
