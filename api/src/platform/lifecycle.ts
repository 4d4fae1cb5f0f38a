/**
 * Whether this process is shutting down. Once it is, `GET /api/ready` answers 503 so that a load balancer sends new
 * requests elsewhere, while the requests already here are answered (README, "Several instances").
 */
let draining = false

export const markDraining = () => {
  draining = true
}
export const isDraining = () => draining
