/** When a maintenance job last ran (compacting the database after erasures, for one). */
export interface MaintenanceRunsTable {
  job: string
  last_run_at: string
}
