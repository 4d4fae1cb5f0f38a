import SQLite from 'better-sqlite3'

/** SQLite's page count is a 32-bit integer: a step of this many pages copies whatever is left. */
const ALL_PAGES = 0x7fffffff

/**
 * Copies a SQLite database into `target`, a file that must not exist yet, through SQLite's online backup API, while other
 * connections and processes (a running server) go on reading and writing it. The copy is the database as of one commit:
 * what was committed before the copy began is in it, a transaction still under way is not. Copying reads from one
 * snapshot, so in WAL mode it blocks no writer; a checkpoint that empties the log (the server's after an erasure) waits
 * for it to finish.
 *
 * All pages are copied in one step: copied a step at a time, the copy starts over whenever another process commits
 * between two steps, and a busy server could keep it from ever finishing. The copy is then switched to a rollback
 * journal, so that it is one self-contained file (the server switches it back to WAL when it opens it), and checked.
 */
export async function backupSqlite(file: string, target: string): Promise<{ pages: number }> {
  // Not read-only: a read-only connection to a database no one has open leaves its -wal and -shm files behind, owned by
  // whoever ran the backup, and a server running as another user could not open them.
  const source = new SQLite(file, { fileMustExist: true })
  let pages: number
  try {
    source.pragma('busy_timeout = 5000')
    pages = (await source.backup(target, { progress: () => ALL_PAGES })).totalPages
  } finally {
    source.close()
  }
  const copy = new SQLite(target, { fileMustExist: true })
  try {
    copy.pragma('journal_mode = DELETE')
    const check = copy.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`The copy in ${target} fails SQLite's check: ${String(check)}`)
  } finally {
    copy.close()
  }
  return { pages }
}
