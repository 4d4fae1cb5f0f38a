import { sql } from 'kysely'
import { openDatabase } from './dialect.js'

/**
 * Vitest's global setup for a suite run on PostgreSQL: a fresh database on the machine's server for this run alone
 * (TEST_POSTGRES_URL names it for the tests, which each take a schema of their own in it), dropped when the run ends,
 * whatever the tests left behind.
 */
export default async function postgresTestRun() {
  const server = process.env.TEST_POSTGRES_SERVER ?? 'postgres://postgres@127.0.0.1:5432'
  const name = `verity_run_${process.pid}_${Date.now().toString(36)}`
  const admin = openDatabase(`${server}/postgres`)
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.db)
  } finally {
    await admin.close()
  }
  process.env.TEST_POSTGRES_URL = `${server}/${name}`
  return async () => {
    const admin = openDatabase(`${server}/postgres`)
    try {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db)
    } finally {
      await admin.close()
    }
  }
}
