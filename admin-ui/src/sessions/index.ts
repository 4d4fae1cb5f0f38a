export { SessionList } from './SessionList'
export { SessionsMenuItem } from './SessionsMenuItem'
export { StaffSessions } from './StaffSessions'
export type { Session } from './types'
