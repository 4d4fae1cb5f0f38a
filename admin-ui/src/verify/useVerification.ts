import { useState } from 'react'
import { HttpError, useDataProvider } from 'react-admin'
import type { VerityDataProvider } from '../dataProvider'

export type Field = 'birth_date' | 'postal_code' | 'phone_last4' | 'email' | 'order_number' | 'card_last4'
export interface Question {
  id: number
  field: Field
  label: string
}
export type Status = 'pending' | 'verified' | 'failed' | 'locked' | 'expired' | 'superseded'

interface Started {
  id: number
  status: Status
  questions: Question[]
}

/**
 * One verification as the agent runs it: open, answer question by question, optionally a one-time code. Its state is
 * this page's alone (nothing in the query cache): the verify page mounts afresh on every visit, so it starts clean.
 */
export function useVerification(customerId: number | null) {
  const dataProvider = useDataProvider<VerityDataProvider>()
  const [verification, setVerification] = useState<Started | null>(null)
  const [results, setResults] = useState<Record<number, boolean>>({})
  const [status, setStatus] = useState<Status | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null)
  const [codeResult, setCodeResult] = useState<boolean | null>(null)
  // The server ended this verification (replaced, run out, the agent paused, the customer locked): nothing more to answer.
  const [ended, setEnded] = useState(false)

  const run = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await call()
    } catch (e) {
      setError((e as Error).message)
      if (e instanceof HttpError && (e.status === 409 || e.status === 429)) setEnded(true)
      return undefined
    } finally {
      setBusy(false)
    }
  }

  return {
    verification,
    results,
    status,
    error,
    ended,
    busy,
    codeSentTo,
    codeResult,
    start: (channel: string, caller = 'customer', callerName?: string) =>
      run(async () => {
        const v = await dataProvider.post<Started>('verifications', { customerId, channel, caller, callerName })
        setEnded(false)
        setVerification(v)
        setResults({})
        setStatus(v.status)
        setCodeSentTo(null)
        setCodeResult(null)
      }),
    answer: (questionId: number, value: string) =>
      run(async () => {
        const r = await dataProvider.post<{ status: Status; results: { questionId: number; match: boolean }[] }>(
          `verifications/${verification!.id}/answers`,
          { answers: [{ questionId, value }] },
        )
        setResults((prev) => ({ ...prev, ...Object.fromEntries(r.results.map((x) => [x.questionId, x.match])) }))
        setStatus(r.status)
      }),
    sendCode: (channel: 'email' | 'sms') =>
      run(async () => {
        const r = await dataProvider.post<{ recipient: string }>(`verifications/${verification!.id}/code`, { channel })
        setCodeSentTo(r.recipient)
      }),
    checkCode: (code: string) =>
      run(async () => {
        const r = await dataProvider.post<{ match: boolean; status: Status }>(`verifications/${verification!.id}/code/check`, { code })
        setCodeResult(r.match)
        setStatus(r.status)
      }),
  }
}
