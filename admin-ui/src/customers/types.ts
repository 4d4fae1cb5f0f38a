/** The customer record as GET /api/customers/:id answers it: masked fields are simply absent. */
export interface CustomerRecord {
  id: number
  name: string
  email: string | null
  phone: string | null
  birth_date?: string | null
  gender?: string | null
  region?: string | null
  city: string | null
  country: string | null
  status: 'active' | 'locked' | 'erased'
  guardian_name?: string | null
  guardian_consent_at?: string | null
  created_at?: string
  last_login_at?: string | null
  first_name?: string | null
  last_name?: string | null
  marketing_opt_in?: boolean
  masked: boolean
  legal_hold: boolean
  access: { basis: 'verification' | 'break_glass' | null; until: string | null }
  addresses: {
    id: number
    label: string | null
    recipient_name?: string | null
    line1?: string | null
    line2?: string | null
    city: string | null
    region?: string | null
    postal_code?: string | null
    country: string | null
    phone?: string | null
    is_default: boolean
  }[]
  payment_methods: { id: number; brand: string; last4?: string; exp_month?: number; exp_year?: number }[]
  /** masked: the month only, and no id or number (they would spell an order number) */
  orders: {
    id?: number
    number?: string
    placed_at?: string
    placed_month?: string
    status: string
    total_cents: number
    currency: string
    ship_country?: string | null
  }[]
  access_logs: { id: number; at: string; ip?: string | null; os: string | null; browser: string | null; referrer?: string | null }[]
  verifications: { id: number; created_at: string; channel: string; status: string; staff_name: string }[]
  open_requests: { id: number; type: string; status: string; created_at: string; due_at: string | null }[]
  break_glass: { id: number; reason?: string; created_at: string; expires_at: string; staff_name: string }[]
  flags: { id: number; kind: string; created_at: string }[]
}
