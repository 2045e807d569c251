/** Why no answer came, in one line that says what to check. */
import type { ConnectionContext } from '../exchange/types'
import { oneLine } from './credentials'

/**
 * OpenSSL's words when a TLS handshake meets a plain-HTTP answer: the server's first bytes
 * ("HTTP/1.1 400 …") read as a TLS record of a version, or a length, that cannot be.
 */
const PLAIN_HTTP_ANSWER = /wrong version number|packet length too long|http request|EPROTO/i

export function unreachableMessage(err: unknown, context: ConnectionContext): string {
  const name = err instanceof Error ? err.name : ''
  const what = oneLine(err)
  const { url } = context
  const host = url.host
  if (url.protocol === 'https:' && PLAIN_HTTP_ANSWER.test(what)) {
    return `the endpoint speaks plain HTTP: use ${url.href.replace(/^https:/, 'http:')}`
  }
  if (name === 'TimeoutError') {
    return `no answer from ${host} in time (${what}): check the URL and the network path, or raise -m`
  }
  const vpc =
    context.target.endpoint?.kind === 'vpc-domain'
      ? '; a VPC domain is reachable only from inside its VPC (or through a tunnel)'
      : ''
  return `could not reach ${host}: ${what}. Check the URL, DNS and the network path${vpc}`
}
