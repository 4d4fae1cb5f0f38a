export const TYPES = ['subpoena', 'search_warrant', 'court_order', 'emergency', 'preservation', 'regulator', 'other'] as const
export const STATUSES = ['received', 'under_review', 'disclosed', 'partially_disclosed', 'no_data', 'rejected', 'withdrawn'] as const
export const OUTCOMES = ['rejected', 'no_data', 'non_content', 'content'] as const
export const CATEGORIES = ['identity', 'contact', 'addresses', 'payment', 'orders', 'technical_logs'] as const
export const QUEUES = ['open', 'notice_due', 'review_due', 'holds'] as const

/** react-admin choices whose names are i18n keys under verity.disclosures.<group>. */
export const choicesOf = (group: string, ids: readonly string[]) => ids.map((id) => ({ id, name: `verity.disclosures.${group}.${id}` }))
