/**
 * Who may use the proxy. Whoever reaches it acts with the proxy's IAM identity, so:
 * - on loopback, only requests addressed to a loopback name (`Host`), so a web page cannot reach
 *   it through a DNS name rebound to 127.0.0.1;
 * - browsers only from the proxy's own origin or an origin given with `--cors` (a page on any
 *   other site could otherwise send writes a browser does not preflight);
 * - with a client token, only requests that present it (`Authorization: Bearer <token>`, or as
 *   the password of Basic authentication, for tools that only know user:password).
 * Pure, but for the constant-time comparison of the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'

export interface AccessRules {
  /** Check `Host` against loopback names (the proxy listens on loopback only). */
  loopbackOnly: boolean
  /** The host the proxy listens on, as given (also accepted as `Host`). */
  listenHost: string
  /** Browser origins allowed besides the proxy's own (`--cors`), as `URL.origin` spells them. */
  corsOrigins: readonly string[]
  /** The token clients must present, when one is required. */
  clientToken?: string
}

/** A refusal the proxy answers itself. */
export interface Refusal {
  status: number
  type: string
  reason: string
  headers?: OutgoingHttpHeaders
}

/** Let in, with the CORS headers its answer needs (none for a request from no other origin). */
export interface Admitted {
  cors: OutgoingHttpHeaders
}

/** The methods a preflight allows: all (a refused write then shows the proxy's reason). */
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS'

/** Whether `host` (a name or an address, IPv6 in brackets or not) is a loopback one. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true
  if (isIP(bare) === 4) return bare.startsWith('127.')
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare)
  return false
}

/** The host of a `Host` header, without its port. */
function hostOnly(header: string): string {
  const bracketed = /^(\[[^\]]*\])(?::\d*)?$/.exec(header)
  if (bracketed) return bracketed[1]
  return header.replace(/:\d*$/, '')
}

/** The request's origin when a browser sent it from a page elsewhere; undefined otherwise. */
function foreignOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin
  if (origin !== undefined && origin !== `http://${headers.host ?? ''}`) return origin
  // A no-cors request (an image, a script) carries no Origin, but says where it came from.
  const site = headers['sec-fetch-site']
  if (origin === undefined && (site === 'cross-site' || site === 'same-site')) return site
  return undefined
}

/** Checks a request against the rules; a preflight is {@link preflight}'s. */
export function admit(headers: IncomingHttpHeaders, rules: AccessRules): Admitted | Refusal {
  const hostRefusal = checkHost(headers, rules)
  if (hostRefusal) return hostRefusal
  const origin = foreignOrigin(headers)
  let cors: OutgoingHttpHeaders = {}
  if (origin !== undefined) {
    if (!rules.corsOrigins.includes(origin)) return originRefusal(origin)
    cors = corsHeaders(origin)
  }
  if (rules.clientToken !== undefined && !presentsToken(headers.authorization, rules.clientToken)) {
    return {
      status: 401,
      type: 'proxy_client_token_required',
      reason:
        'this proxy requires its client token: send Authorization: Bearer <token>, or the token ' +
        'as the password of Basic authentication',
      headers: {
        ...cors,
        'www-authenticate': 'Basic realm="elasticsearch-aws-sigv4 proxy", charset="UTF-8"',
      },
    }
  }
  return { cors }
}

/** Whether a request is a CORS preflight (answered here, never forwarded). */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return (
    method === 'OPTIONS' &&
    headers.origin !== undefined &&
    headers['access-control-request-method'] !== undefined
  )
}

/** The answer to a preflight: allowed for a `--cors` origin, refused for any other. */
export function preflight(headers: IncomingHttpHeaders, rules: AccessRules): Admitted | Refusal {
  const hostRefusal = checkHost(headers, rules)
  if (hostRefusal) return hostRefusal
  const origin = headers.origin as string
  if (!rules.corsOrigins.includes(origin)) return originRefusal(origin)
  const cors: OutgoingHttpHeaders = {
    ...corsHeaders(origin),
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  }
  const requested = headers['access-control-request-headers']
  if (requested !== undefined) cors['access-control-allow-headers'] = requested
  if (headers['access-control-request-private-network'] === 'true') {
    cors['access-control-allow-private-network'] = 'true'
  }
  return { cors }
}

function corsHeaders(origin: string): OutgoingHttpHeaders {
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': '*',
    vary: 'Origin',
  }
}

/** The last `Host` found to be a loopback one: nearly every request carries the same. */
let lastLoopbackHost: string | undefined

function checkHost(headers: IncomingHttpHeaders, rules: AccessRules): Refusal | undefined {
  const host = headers.host
  if (!rules.loopbackOnly || host === undefined || host === lastLoopbackHost) return undefined
  const name = hostOnly(host)
  if (isLoopbackHost(name)) {
    lastLoopbackHost = host
    return undefined
  }
  if (isLoopbackHost(name) || name.toLowerCase() === rules.listenHost.toLowerCase())
    return undefined
  return {
    status: 403,
    type: 'proxy_host_refused',
    reason:
      `this proxy listens on loopback and answers only requests addressed to it there, not to ` +
      `${JSON.stringify(name.slice(0, 100))} (a name that resolves here, as a rebound DNS name ` +
      'of a web page would): use http://127.0.0.1 or http://localhost, or start the proxy with ' +
      '--allow-remote',
  }
}

function originRefusal(origin: string): Refusal {
  const shown = JSON.stringify(origin.slice(0, 200))
  return {
    status: 403,
    type: 'proxy_origin_refused',
    reason:
      origin === 'cross-site' || origin === 'same-site'
        ? 'a web page on another site sent this request: the proxy refuses it (it would act with ' +
          'your IAM identity). Start the proxy with --cors <origin of your app> to allow that app'
        : `a web page at ${shown} sent this request, and that origin is not allowed: start the ` +
          `proxy with --cors ${shown} to allow it`,
  }
}

/** Whether `authorization` presents the token: as a bearer token, or as Basic's password. */
export function presentsToken(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false
  const [scheme, ...rest] = authorization.trim().split(/\s+/)
  const credentials = rest.join(' ')
  let presented: string | undefined
  if (/^bearer$/i.test(scheme)) presented = credentials
  else if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    presented = colon >= 0 ? decoded.slice(colon + 1) : undefined
  }
  return presented !== undefined && sameSecret(presented, token)
}

/** Compared in constant time, over digests so that lengths tell nothing either. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}
