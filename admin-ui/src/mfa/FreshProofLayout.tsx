import type { ReactNode } from 'react'
import { Layout } from '../layout/Layout'
import { FreshProofDialog } from './FreshProofDialog'

/** The console's layout, with the one dialog that asks for fresh proof whatever page is open. */
export function FreshProofLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <Layout>{children}</Layout>
      <FreshProofDialog />
    </>
  )
}
