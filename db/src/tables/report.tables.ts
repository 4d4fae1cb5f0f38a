/** Summaries the aggregate reports read (db/src/migrations/…000800_add_report_summaries.ts). */

export interface ReportStateTable {
  id: number
  as_of: string | null
  version: number
  record_keys: string | null
}

export interface ReportDirtyTable {
  customer_id: number
}

export interface CountedCustomersTable {
  customer_id: number
  age_band: string
  gender: string
  country: string
  region: string
  signup_month: string
}

export interface CustomerCellsTable {
  age_band: string
  gender: string
  country: string
  region: string
  signup_month: string
  customers: number
  key_sum: number
}

export interface CountedSalesTable {
  customer_id: number
  month: string
  currency: string
  country: string
  region: string
  orders: number
  revenue: number
}

export interface SalesCellsTable {
  period: string
  country: string
  region: string
  currency: string
  orders: number
  revenue: number
  customers: number
  largest: number
}

export interface BuyerMonthsTable {
  month: string
  new_buyers: number
  returning_buyers: number
}
