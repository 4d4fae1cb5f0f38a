import fs from 'node:fs'
import path from 'node:path'
import { backupSqlite, DEFAULT_DATABASE_URL, isPostgresUrl } from '@verity/db'

/**
 * `npm run backup [-- <file>]`: an online backup of the SQLite database at DATABASE_URL, safe while the server runs (SQLite's
 * backup API: the copy is the database as of one commit). Writes to <file>, or to backups/ beside the database under the
 * time; never over an existing file. The copy is readable only by its owner, as it holds customers' personal data. The
 * audit key and checkpoints are not in it: they are backed up apart (README, "The audit key and checkpoints").
 */
async function backup(target: string | undefined): Promise<number> {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL
  if (isPostgresUrl(url)) {
    console.error(
      'DATABASE_URL is a PostgreSQL database: back it up with pg_dump, e.g. pg_dump --format=custom --file=verity.dump "$DATABASE_URL", ' +
        'and restore it with pg_restore.',
    )
    return 1
  }
  const source = path.resolve(url)
  // Opening a SQLite file that is not there would create an empty one, and back that up.
  if (!fs.existsSync(source)) {
    console.error(`No database at ${source}: set DATABASE_URL to the server's.`)
    return 1
  }
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-')
  const file = path.resolve(target ?? path.join(path.dirname(source), 'backups', `${path.parse(source).name}-${stamp}Z.sqlite`))
  if (fs.existsSync(file)) {
    console.error(`${file} already exists: name a new file.`)
    return 1
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  try {
    const started = Date.now()
    const { pages } = await backupSqlite(source, file)
    fs.chmodSync(file, 0o600)
    const mb = (fs.statSync(file).size / 1_048_576).toFixed(1)
    console.log(`Backed up ${source} to ${file} (${pages} pages, ${mb} MB, in ${((Date.now() - started) / 1000).toFixed(1)} s).`)
  } catch (e) {
    fs.rmSync(file, { force: true })
    throw e
  }
  console.log('The audit key and checkpoints are not in it: back them up apart from it (README, "The audit key and checkpoints").')
  return 0
}

backup(process.argv[2]).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  },
)
