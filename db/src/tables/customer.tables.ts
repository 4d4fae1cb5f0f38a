import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/** The store's own tables: their names and columns are part of the contract (docs/design.md). */

export type CustomerStatus = 'active' | 'locked' | 'erased'
export type Gender = 'female' | 'male' | 'other' | 'undisclosed'

export interface CustomersTable {
  id: Generated<number>
  first_name: string | null
  last_name: string | null
  /** foldName(first_name) and foldName(last_name) (db/src/fold.ts): what name search compares; set with the names */
  first_name_folded: string | null
  last_name_folded: string | null
  email: string | null
  phone: string | null
  /** ISO YYYY-MM-DD */
  birth_date: string | null
  gender: Gender | null
  /** ISO 3166 alpha-2 */
  country: string | null
  region: string | null
  city: string | null
  status: ColumnType<CustomerStatus, CustomerStatus | undefined, CustomerStatus>
  guardian_name: string | null
  guardian_consent_at: string | null
  created_at: string
  last_login_at: string | null
  /** 0 or 1: whether the customer takes marketing messages */
  marketing_opt_in: ColumnType<number, number | undefined, number>
}

export interface CustomerCredentialsTable {
  customer_id: number
  /** argon2id; no API route ever selects this table */
  password_hash: string
  updated_at: string
}

export interface AddressesTable {
  id: Generated<number>
  customer_id: number
  label: string | null
  recipient_name: string | null
  line1: string | null
  line2: string | null
  city: string | null
  region: string | null
  postal_code: string | null
  country: string | null
  phone: string | null
  /** 0 or 1 */
  is_default: number
}

export interface PaymentMethodsTable {
  id: Generated<number>
  customer_id: number
  brand: string
  last4: string
  exp_month: number
  exp_year: number
}

export interface OrdersTable {
  id: Generated<number>
  customer_id: number | null
  number: string
  placed_at: string
  status: string
  total_cents: number
  currency: string
  ship_name: string | null
  ship_address: string | null
  ship_phone: string | null
  ship_country: string | null
}

export interface AccessLogsTable {
  id: Generated<number>
  customer_id: number
  at: string
  ip: string | null
  os: string | null
  browser: string | null
  referrer: string | null
}

export type Customer = Selectable<CustomersTable>
export type NewCustomer = Insertable<CustomersTable>
export type CustomerUpdate = Updateable<CustomersTable>
export type NewCustomerCredentials = Insertable<CustomerCredentialsTable>
export type Address = Selectable<AddressesTable>
export type NewAddress = Insertable<AddressesTable>
export type PaymentMethod = Selectable<PaymentMethodsTable>
export type NewPaymentMethod = Insertable<PaymentMethodsTable>
export type Order = Selectable<OrdersTable>
export type NewOrder = Insertable<OrdersTable>
export type AccessLog = Selectable<AccessLogsTable>
export type NewAccessLog = Insertable<AccessLogsTable>
