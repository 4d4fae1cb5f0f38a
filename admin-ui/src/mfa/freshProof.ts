/**
 * Fresh proof (step-up): a dangerous act the API refuses with 403 `fresh_factor_required` is asked for the second
 * factor again and repeated once (httpClient). The asking is a dialog (FreshProofDialog) that registers itself here
 * while the console's layout is on screen; requests that fail together share one question.
 */
export type FreshProofAsker = () => Promise<void>

/** The person declined to give the code: the act that asked for it fails. */
export class FreshProofDeclined extends Error {
  constructor() {
    super('fresh proof declined')
    this.name = 'FreshProofDeclined'
  }
}

let asker: FreshProofAsker | null = null
let asking: Promise<void> | null = null

/** Makes `ask` the way to ask for the code; answers the function that withdraws it. */
export function registerFreshProofAsker(ask: FreshProofAsker): () => void {
  asker = ask
  return () => {
    if (asker === ask) asker = null
  }
}

/**
 * Resolves once the code has been given again, rejects with FreshProofDeclined when the person cancels; null when
 * nothing on screen can ask (a page outside the layout, such as sign-in).
 */
export function proveFreshness(): Promise<void> | null {
  if (!asker) return null
  asking ??= asker().finally(() => {
    asking = null
  })
  return asking
}
