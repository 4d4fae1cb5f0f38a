import type { Migration } from 'kysely'
import * as createCustomerTables from './2026_11_27_000100_create_customer_tables.js'
import * as createBackOfficeTables from './2026_11_27_000200_create_back_office_tables.js'
import * as addCallerVerification from './2026_11_27_000300_add_caller_verification.js'
import * as addLegalProcess from './2026_11_27_000400_add_legal_process.js'
import * as foldCustomerNames from './2026_11_27_000500_fold_customer_names.js'
import * as guardVerification from './2026_11_27_000600_guard_verification.js'
import * as addRequestWorkflow from './2026_11_27_000700_add_request_workflow.js'
import * as addReportSummaries from './2026_11_27_000800_add_report_summaries.js'
import * as addReportExports from './2026_11_27_000900_add_report_exports.js'
import * as addSubjectMatch from './2026_11_27_001000_add_subject_match.js'
import * as addStaffPasswordLinks from './2026_11_27_001100_add_staff_password_links.js'
import * as addSecondFactorAndGrants from './2026_11_27_001200_add_second_factor_and_grants.js'
import * as addMaintenanceRuns from './2026_11_27_001300_add_maintenance_runs.js'
import * as indexFamilyNamesById from './2026_11_27_001400_index_family_names_by_id.js'
import * as uniqueByOwnIndexes from './2026_11_27_001500_unique_by_own_indexes.js'
import * as indexAuditLogForBrowsing from './2026_11_28_001600_index_audit_log_for_browsing.js'
import * as indexCustomersForSorting from './2026_11_28_001700_index_customers_for_sorting.js'
import * as indexRecordsByAge from './2026_11_28_001800_index_records_by_age.js'
import * as indexCustomersByCountryAndStatus from './2026_11_28_001900_index_customers_by_country_and_status.js'
import * as indexWhatAnErasureReads from './2026_11_28_002000_index_what_an_erasure_reads.js'

/** Every migration in order; listed statically so bundlers and test runners see them all. */
export const migrations: Record<string, Migration> = {
  '2026_11_27_000100_create_customer_tables': createCustomerTables,
  '2026_11_27_000200_create_back_office_tables': createBackOfficeTables,
  '2026_11_27_000300_add_caller_verification': addCallerVerification,
  '2026_11_27_000400_add_legal_process': addLegalProcess,
  '2026_11_27_000500_fold_customer_names': foldCustomerNames,
  '2026_11_27_000600_guard_verification': guardVerification,
  '2026_11_27_000700_add_request_workflow': addRequestWorkflow,
  '2026_11_27_000800_add_report_summaries': addReportSummaries,
  '2026_11_27_000900_add_report_exports': addReportExports,
  '2026_11_27_001000_add_subject_match': addSubjectMatch,
  '2026_11_27_001100_add_staff_password_links': addStaffPasswordLinks,
  '2026_11_27_001200_add_second_factor_and_grants': addSecondFactorAndGrants,
  '2026_11_27_001300_add_maintenance_runs': addMaintenanceRuns,
  '2026_11_27_001400_index_family_names_by_id': indexFamilyNamesById,
  '2026_11_27_001500_unique_by_own_indexes': uniqueByOwnIndexes,
  '2026_11_28_001600_index_audit_log_for_browsing': indexAuditLogForBrowsing,
  '2026_11_28_001700_index_customers_for_sorting': indexCustomersForSorting,
  '2026_11_28_001800_index_records_by_age': indexRecordsByAge,
  '2026_11_28_001900_index_customers_by_country_and_status': indexCustomersByCountryAndStatus,
  '2026_11_28_002000_index_what_an_erasure_reads': indexWhatAnErasureReads,
}
