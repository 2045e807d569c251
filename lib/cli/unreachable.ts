/** Why no answer came, in one line that says what to check. */
import type { ConnectionContext } from '../exchange/types'
import { oneLine } from './credentials'

export function unreachableMessage(err: unknown, context: ConnectionContext): string {
  const name = err instanceof Error ? err.name : ''
  const what = oneLine(err)
  const host = context.url.host
  if (name === 'TimeoutError') {
    return `no answer from ${host} in time (${what}): check the URL and the network path, or raise -m`
  }
  const vpc =
    context.target.endpoint?.kind === 'vpc-domain'
      ? '; a VPC domain is reachable only from inside its VPC (or through a tunnel)'
      : ''
  return `could not reach ${host}: ${what}. Check the URL, DNS and the network path${vpc}`
}
