/**
 * Headers across the proxy, both ways: hop-by-hop headers stay on their hop (RFC 9110, 7.6.1),
 * whatever the client sent for authentication stays here (the proxy signs), and a `Location`
 * that points at the endpoint points at the proxy instead. Pure.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'

/** Hop-by-hop headers (RFC 9110 7.6.1, and the pre-standard ones still seen). */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
])

const NONE: ReadonlySet<string> = new Set()

/** The names a `Connection` header lists: hop-by-hop for this message too. */
function connectionOptions(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection
  // Nearly always: none, or only keep-alive / close.
  if (value === undefined || /^\s*(keep-alive|close)\s*$/i.test(String(value))) return NONE
  const listed = new Set<string>()
  for (const item of (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',')) {
    const name = item.trim().toLowerCase()
    if (name !== '') listed.add(name)
  }
  return listed
}

/**
 * The client's headers as they go upstream: without hop-by-hop headers, without any
 * authentication of the client's (`Authorization`, every `X-Amz-*`: the proxy's signature
 * replaces them), without `Host` (the signed one is set), `Expect` (the proxy answered it) and
 * `Content-Length` (set from the body that is sent). Cookies, `osd-xsrf` and the rest pass.
 */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const listed = connectionOptions(headers)
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue
    if (name === 'authorization' || name.startsWith('x-amz-')) continue
    if (name === 'host' || name === 'expect' || name === 'content-length') continue
    // Node joins repeats of most headers already; `set-cookie` never comes in a request.
    out[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value
  }
  return out
}

/**
 * The query as it goes upstream: without the client's own `X-Amz-*` parameters (a presigned
 * URL's signature, which beside ours would be a second authentication AWS refuses).
 */
export function upstreamQuery(query: string): string {
  if (!/(^|&)x-amz-/i.test(query)) return query
  return query
    .split('&')
    .filter((pair) => !/^x-amz-/i.test(pair))
    .join('&')
}

/** The same query with the values of `X-Amz-*` parameters replaced, for the log. */
export function redactedQuery(query: string): string {
  if (!/(^|&)x-amz-/i.test(query)) return query
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      return eq > 0 && /^x-amz-/i.test(pair) ? `${pair.slice(0, eq)}=<redacted>` : pair
    })
    .join('&')
}

/** Where the endpoint is, and where the proxy is as the client addressed it. */
export interface Rewrite {
  /** The endpoint's origins as a `Location` may name them (the URL's, the signing host's). */
  endpointOrigins: readonly string[]
  /** The endpoint URL's path prefix, without a trailing slash (`''` for none). */
  endpointPrefix: string
  /** `http://host:port` as the client reached the proxy. */
  proxyOrigin: string
}

/**
 * The answer's headers as they go to the client: without hop-by-hop headers, and with a
 * `Location` under the endpoint moved under the proxy (so OpenSearch Dashboards' redirects at
 * `/_dashboards` stay on the proxy). A relative `Location` is left as it is.
 */
export function clientResponseHeaders(
  headers: IncomingHttpHeaders,
  rewrite: Rewrite,
): OutgoingHttpHeaders {
  const listed = connectionOptions(headers)
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue
    out[name] =
      name === 'location' && typeof value === 'string' ? rewriteLocation(value, rewrite) : value
  }
  return out
}

/** A `Location` under the endpoint, moved under the proxy; any other as it is. */
export function rewriteLocation(location: string, rewrite: Rewrite): string {
  const lower = location.toLowerCase()
  for (const origin of rewrite.endpointOrigins) {
    if (!lower.startsWith(origin)) continue
    let path = location.slice(origin.length)
    // `https://host.example` is not under `https://host`.
    if (path !== '' && !/^[/?#]/.test(path)) continue
    const prefix = rewrite.endpointPrefix
    const underPrefix =
      prefix !== '' &&
      path.startsWith(prefix) &&
      (path.length === prefix.length || /[/?#]/.test(path[prefix.length]))
    if (underPrefix) path = path.slice(prefix.length)
    return rewrite.proxyOrigin + (path.startsWith('/') ? path : `/${path}`)
  }
  return location
}

/** The origins a `Location` may name the endpoint by: with and without its default port. */
export function endpointOrigins(url: URL, signingHost: string | undefined): string[] {
  const origins = new Set<string>()
  for (const host of [url.host, ...(signingHost === undefined ? [] : [signingHost])]) {
    const bare = host.toLowerCase()
    origins.add(`${url.protocol}//${bare}`)
    if (!/:\d+$/.test(bare) || bare.endsWith(']')) {
      origins.add(`${url.protocol}//${bare}:${url.protocol === 'https:' ? 443 : 80}`)
    }
  }
  return [...origins]
}
