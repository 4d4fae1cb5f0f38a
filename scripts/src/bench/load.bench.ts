import autocannon from 'autocannon'

export interface LoadOptions {
  url: string
  connections: number
  /** seconds of load */
  seconds: number
  /**
   * The requests connection `i` makes, over and over. A connection is one staff member at a desk: its own session,
   * its own customers. Every request's body and path is built when sent (setupRequest), from the samples.
   */
  requests: (i: number) => autocannon.Request[]
}

export interface LoadResult {
  /** answers a second with a 2xx status */
  rps: number
  /** latency percentiles over every answer, ms */
  p50: number
  p99: number
  ok: number
  /** answers that were not 2xx, by status */
  refused: Record<string, number>
  /** connection errors and timeouts */
  errors: number
  seconds: number
}

/**
 * Drives `url` with autocannon over loopback for a bounded time, `connections` at once, each sending its next request as
 * soon as its last is answered.
 */
export async function load({ url, connections, seconds, requests }: LoadOptions): Promise<LoadResult> {
  let next = 0
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    requests: requests(0),
    setupClient: (client) => client.setRequests(requests(next++ % connections)),
  })
  const refused: Record<string, number> = {}
  for (const [status, { count = 0 } = {}] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith('2')) refused[status] = count
  }
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    refused,
    errors: result.errors,
    seconds: result.duration,
  }
}

/** A round robin over `items`, shared by every connection given it. */
export function rotation<T>(items: readonly T[]): () => T {
  if (!items.length) throw new Error('nothing to rotate over')
  let i = 0
  return () => items[i++ % items.length]!
}
