import { createContext, type ReactNode, useCallback, useContext, useState } from 'react'

/**
 * react-admin draws the whole console afresh when the language changes (its I18nContextProvider changes its `key`), so
 * a page's own state is gone after a switch: someone who typed their email and then chose 简体中文 found the form
 * empty. A draft is state kept above that redraw, in App, by name: in memory only, for this tab, until it is forgotten.
 */
const Drafts = createContext<Map<string, unknown> | null>(null)

export function DraftsProvider({ children }: { children: ReactNode }) {
  const [drafts] = useState(() => new Map<string, unknown>())
  return <Drafts.Provider value={drafts}>{children}</Drafts.Provider>
}

/**
 * `useState` that outlives a change of language; `forget` drops the kept value (a password once sent), and
 * the page's own state keeps what it shows. Without a DraftsProvider above, it is plain `useState`.
 */
export function useDraft<T>(name: string, initial: T) {
  const drafts = useContext(Drafts)
  const [value, setValue] = useState<T>(() => (drafts?.has(name) ? (drafts.get(name) as T) : initial))
  const set = useCallback(
    (next: T) => {
      drafts?.set(name, next)
      setValue(next)
    },
    [drafts, name],
  )
  const forget = useCallback(() => drafts?.delete(name), [drafts, name])
  return [value, set, forget] as const
}
