import { email, required, SelectInput } from 'react-admin'
import { useTranslate } from 'react-admin'

export const ROLE_CHOICES = ['agent', 'compliance', 'manager', 'admin'].map((id) => ({ id, name: `verity.roles.${id}` }))
export const STATUS_CHOICES = ['active', 'disabled'].map((id) => ({ id, name: `verity.status.${id}` }))

export const validateEmail = [required(), email()]

export function RoleInput(props: {
  source?: string
  alwaysOn?: boolean
  validate?: ReturnType<typeof required>
  disabled?: boolean
  helperText?: string
}) {
  return <SelectInput source="role" choices={ROLE_CHOICES} {...props} />
}

export function useRoleName() {
  const translate = useTranslate()
  return (role: string) => translate(`verity.roles.${role}`)
}
