import type {
  AccessLogsTable,
  AddressesTable,
  CustomerCredentialsTable,
  CustomersTable,
  OrdersTable,
  PaymentMethodsTable,
} from './tables/customer.tables.js'
import type {
  GrantsTable,
  LoginThrottleTable,
  StaffCredentialsTable,
  StaffFactorsTable,
  StaffRecoveryCodesTable,
  StaffPasswordLinksTable,
  StaffSessionsTable,
  StaffUsersTable,
} from './tables/staff.tables.js'
import type {
  DataRequestsTable,
  FlagsTable,
  RateCountersTable,
  RequestAttachmentsTable,
  RequestExportsTable,
  SearchHitsTable,
  VerificationFailuresTable,
  PasswordResetTokensTable,
  UnmaskGrantsTable,
  VerificationCodesTable,
  DisclosureAmendmentsTable,
  DisclosureAttachmentsTable,
  LegalHoldsTable,
  DisclosureSubjectsTable,
  DisclosuresTable,
  OutboxTable,
  SettingsTable,
  VerificationQuestionsTable,
  VerificationsTable,
} from './tables/casework.tables.js'
import type { AuditLogTable } from './tables/audit-log.table.js'
import type {
  BuyerMonthsTable,
  CountedCustomersTable,
  CountedSalesTable,
  CustomerCellsTable,
  ReportDirtyTable,
  ReportStateTable,
  SalesCellsTable,
} from './tables/report.tables.js'
import type { MaintenanceRunsTable } from './tables/maintenance.table.js'
import type { ReportExportsTable } from './tables/report-exports.table.js'

export interface Database {
  customers: CustomersTable
  customer_credentials: CustomerCredentialsTable
  addresses: AddressesTable
  payment_methods: PaymentMethodsTable
  orders: OrdersTable
  access_logs: AccessLogsTable
  staff_users: StaffUsersTable
  staff_credentials: StaffCredentialsTable
  staff_sessions: StaffSessionsTable
  staff_password_links: StaffPasswordLinksTable
  staff_factors: StaffFactorsTable
  staff_recovery_codes: StaffRecoveryCodesTable
  grants: GrantsTable
  login_throttle: LoginThrottleTable
  verifications: VerificationsTable
  verification_questions: VerificationQuestionsTable
  verification_failures: VerificationFailuresTable
  search_hits: SearchHitsTable
  rate_counters: RateCountersTable
  request_exports: RequestExportsTable
  request_attachments: RequestAttachmentsTable
  data_requests: DataRequestsTable
  disclosures: DisclosuresTable
  disclosure_subjects: DisclosureSubjectsTable
  disclosure_amendments: DisclosureAmendmentsTable
  disclosure_attachments: DisclosureAttachmentsTable
  legal_holds: LegalHoldsTable
  settings: SettingsTable
  outbox: OutboxTable
  flags: FlagsTable
  unmask_grants: UnmaskGrantsTable
  report_state: ReportStateTable
  report_dirty: ReportDirtyTable
  counted_customers: CountedCustomersTable
  customer_cells: CustomerCellsTable
  counted_sales: CountedSalesTable
  sales_cells: SalesCellsTable
  buyer_months: BuyerMonthsTable
  verification_codes: VerificationCodesTable
  password_reset_tokens: PasswordResetTokensTable
  audit_log: AuditLogTable
  report_exports: ReportExportsTable
  maintenance_runs: MaintenanceRunsTable
}
