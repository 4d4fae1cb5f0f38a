/**
 * Whether this process is shutting down. Once it is, `GET /api/ready` answers 503 so that a load balancer sends new
 * requests elsewhere, while the requests already here are answered (README, "PostgreSQL and several instances").
 */
let draining = false

export const markDraining = () => {
  draining = true
}
export const isDraining = () => draining

/**
 * What a window or link that is ended early gets as its end: a time before any clock reads. Set to the ender's own
 * "now", it would still look open to a request that began a moment earlier, or to an instance whose clock is behind.
 */
export const ENDED = '1970-01-01T00:00:00.000Z'
