export type { Database } from './database.js'
export * from './tables/customer.tables.js'
export * from './tables/staff.tables.js'
export * from './tables/casework.tables.js'
export * from './tables/audit-log.table.js'
export * from './tables/report.tables.js'
export * from './tables/report-exports.table.js'
export * from './tables/maintenance.table.js'
export { openDatabase, isPostgresUrl, DEFAULT_DATABASE_URL, type DatabaseHandle, type DialectName } from './dialect.js'
export { migrateToLatest } from './migrate.js'
export { backupSqlite } from './backup.js'
export { GroupCommitDriver } from './group-commit.js'
export { seedCustomers, type SeedOptions, type SeedProgress } from './seed/seed-customers.js'
export { generateCustomer, SEED_EPOCH, type GeneratedCustomer } from './seed/generate.js'
export {
  compactDatabase,
  flushErasedValues,
  holdAgainstWrites,
  isPostgres,
  lockForUpdate,
  oneAtATime,
  phoneDigits,
  phoneNationalDigits,
  phoneTail,
  refreshPlannerStatistics,
  takeWriterLock,
  yearMonth,
} from './sql.js'
export { foldName, foldedNames } from './fold.js'
