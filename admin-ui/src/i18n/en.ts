import englishMessages from 'ra-language-english'

/** Every string the console shows; zh.ts must have the same keys (the type checker holds it to that). */
export const verityEn = {
  verity: {
    title: 'Verity',
    roles: { agent: 'Agent', compliance: 'Compliance officer', manager: 'Manager', admin: 'Administrator' },
    status: { active: 'Active', disabled: 'Disabled' },
    password_banner: 'Staff never ask a customer for a password. Verify callers with their details, then send a reset link.',
    dashboard: {
      welcome: 'Welcome, %{name}',
      signed_in_as: 'Signed in as %{role}',
      open: 'Open',
      agent: {
        title: 'Help a caller',
        body: 'Find the caller’s account, verify them with questions the server checks, then act for them.',
      },
      compliance: {
        title: 'Oversight',
        body: 'Review requests, account for disclosures under legal process, and audit who saw what.',
      },
      manager: {
        title: 'Aggregate reports',
        body: 'Counts of customers by age band, region and signup month. Small groups are hidden so no one can be singled out.',
      },
      admin: {
        title: 'Staff and settings',
        body: 'Create staff accounts, assign roles, disable accounts and set policy values. Admins see no customer data.',
      },
    },
    staff: {
      set_password: 'Set new password',
      set_password_help: 'The staff member is signed out everywhere and must use the new password.',
      password_set: 'Password changed; their sessions have ended.',
      new_password: 'New password',
    },
    audit: {
      verify_chain: 'Check chain',
      chain_ok: 'Chain intact: %{checked} entries checked.',
      chain_broken: 'Chain broken at entry #%{id} (%{reason}).',
      search_action: 'Action (e.g. auth.login or staff.)',
    },
    reports: {
      title: 'Customer demographics',
      by: 'Group by',
      then_by: 'Then by',
      none: 'None',
      count: 'Customers',
      suppressed: 'hidden',
      k_note: 'Groups of fewer than %{k} people are hidden, with enough others that no total gives them away.',
      dimensions: {
        age_band: 'Age band',
        gender: 'Gender',
        country: 'Country',
        region: 'Region',
        signup_month: 'Signup month',
      },
      empty: 'No customers to count.',
    },
    settings: {
      names: {
        unmask_window_minutes: 'Unmask window after a passed verification (minutes)',
        verification_ttl_minutes: 'Time to complete a verification (minutes)',
        verification_failures_per_day: 'Failed verifications per customer per day before locking',
        k_anonymity: 'Smallest group shown in reports (k)',
      },
    },
  },
  resources: {
    staff: {
      name: 'Staff member |||| Staff',
      fields: {
        id: 'Id',
        name: 'Name',
        email: 'Email',
        role: 'Role',
        status: 'Status',
        password: 'Initial password',
        last_login_at: 'Last sign-in',
        created_at: 'Created',
        q: 'Search',
      },
    },
    'audit-log': {
      name: 'Audit entry |||| Audit log',
      fields: {
        id: 'Entry',
        at: 'When',
        actor_id: 'Staff id',
        actor_name: 'Staff',
        actor_role: 'Role',
        action: 'Action',
        entity_type: 'Record type',
        entity_id: 'Record',
        customer_id: 'Customer',
        ip: 'IP address',
        details: 'Details',
        prev_hash: 'Previous hash',
        hash: 'Hash',
        from: 'From',
        to: 'Before',
      },
    },
    settings: {
      name: 'Setting |||| Settings',
      fields: { id: 'Setting', value: 'Value', default: 'Default', updated_at: 'Changed' },
    },
    reports: { name: 'Reports' },
  },
}

export const en = { ...englishMessages, ...verityEn }
