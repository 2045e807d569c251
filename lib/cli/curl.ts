/**
 * curl's request flags, read as curl reads them where that is safe for a signed request: the
 * URL's path and query as typed, `-X`, `-d` (body sources), `-H` (add, remove, empty). Pure.
 */
import { NDJSON_PATHS } from './constants'

/** A refusal of a flag's value, for the caller to turn into a usage error. */
export interface Problem {
  problem: string
}

export function problem(text: string): Problem {
  return { problem: text }
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'problem' in value
}

/** A URL split as typed: what the connection is opened to, and the raw target. */
export interface TargetUrl {
  /** `scheme://host[:port]/`, for the connection and endpoint inference. */
  origin: URL
  /** The path as it goes on the wire: as typed, bytes an HTTP request line cannot carry encoded. */
  path: string
  /** The raw query string (no `?`); the signer re-encodes it canonically, and sends that. */
  query: string
}

/**
 * Splits `text` without WHATWG URL parsing, which would resolve `.`/`..` and re-encode the
 * path: the path and query are the user's. Returns a problem string instead of throwing.
 */
export function parseTargetUrl(text: string): TargetUrl | Problem {
  const match = /^(https?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/is.exec(text.trim())
  if (match === null) {
    return problem(
      /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
        ? `only http:// and https:// URLs can be sent, not ${text.split(':')[0]}:`
        : `${JSON.stringify(text)} is not a URL: give it with its scheme, e.g. https://search-…es.amazonaws.com/`,
    )
  }
  const [, scheme, authority, path, query = ''] = match
  if (authority.includes('@')) {
    return problem(
      'the URL contains credentials (user@host): requests are signed with AWS SigV4 instead; remove them',
    )
  }
  let origin: URL
  try {
    origin = new URL(`${scheme.toLowerCase()}://${authority}/`)
  } catch {
    return problem(`the host ${JSON.stringify(authority)} of the URL is not valid`)
  }
  if (origin.hostname === '') return problem('the URL has no host')
  return { origin, path: wirePath(path === '' ? '/' : path), query }
}

/** Characters a request target may carry as they are (RFC 3986 pchar and `/`), and `%`. */
const WIRE_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/%]/

/**
 * The path with every byte that cannot appear in a request line percent-encoded (UTF-8): a space,
 * non-ASCII, `"`, `<`, … Everything typed in valid form, `%2F` included, is kept; a `%` that does
 * not start an escape becomes `%25`.
 */
export function wirePath(path: string): string {
  return forTheWire(path, WIRE_SAFE)
}

/** Characters a query may carry on the wire as typed: as for a path, and `?`, but not `+`. */
const QUERY_WIRE_SAFE = /[A-Za-z0-9\-._~!$&'()*,;=:@/?%]/

/**
 * The query as typed, for the wire: in its order, `?v` still `?v`. Encoded are only the bytes a
 * request line cannot carry (UTF-8 percent-escapes), a `%` that starts no escape (`%25`), and
 * `+`, which the engines and the signer read as a space but AWS may read as a plus: sent as
 * `%20`, every reader takes the value that was signed.
 */
export function wireQuery(query: string): string {
  return forTheWire(query, QUERY_WIRE_SAFE, '%20')
}

/** `text` with what `safe` does not allow percent-encoded, a stray `%` as `%25`, a `+` as `plus`. */
function forTheWire(text: string, safe: RegExp, plus = '+'): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '%') {
      out += /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3)) ? '%' : '%25'
    } else if (ch === '+') {
      out += plus
    } else if (safe.test(ch)) {
      out += ch
    } else {
      const char = String.fromCodePoint(text.codePointAt(i) ?? 0)
      if (char.length === 2) i++
      out += encodeURIComponent(char)
    }
  }
  return out
}

/** Where the body comes from. */
export type BodySource =
  { kind: 'literal'; text: string } | { kind: 'file'; path: string } | { kind: 'stdin' }

/**
 * A `-d`/`--data-binary` value: `@-` is stdin, `@FILE` a file (its bytes as they are, unlike
 * curl's `-d`, which strips newlines and would break NDJSON), anything else the text itself.
 * `--data-raw` is always the text itself.
 */
export function bodySource(value: string, raw = false): BodySource {
  if (raw || !value.startsWith('@')) return { kind: 'literal', text: value }
  return value === '@-' ? { kind: 'stdin' } : { kind: 'file', path: value.slice(1) }
}

/** curl's rule: GET, or POST when there is a body; `-X` replaces it. Upper case, as signed. */
export function requestMethod(method: string | undefined, hasBody: boolean): string | Problem {
  if (method === undefined) return hasBody ? 'POST' : 'GET'
  if (!/^[A-Za-z]+$/.test(method))
    return problem(`-X ${JSON.stringify(method)} is not an HTTP method`)
  return method.toUpperCase()
}

/** One `-H` flag: set a header, send it empty (`Name;`) or drop it (`Name:`). */
export type HeaderFlag = { name: string; value: string } | { name: string; remove: true }

/** Headers the signature sets: a `-H` for one of them is refused rather than silently replaced. */
const SIGNING_HEADERS = new Set([
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
])

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Reads `-H 'Name: value'`, `-H 'Name:'` and `-H 'Name;'` as curl does. */
export function parseHeaderFlag(text: string): HeaderFlag | Problem {
  const colon = text.indexOf(':')
  const semicolon = text.indexOf(';')
  let flag: HeaderFlag
  if (colon > 0 && (semicolon === -1 || colon < semicolon)) {
    const name = text.slice(0, colon).trim()
    const value = text.slice(colon + 1).trim()
    flag = value === '' ? { name, remove: true } : { name, value }
  } else if (semicolon > 0 && text.slice(semicolon + 1).trim() === '') {
    flag = { name: text.slice(0, semicolon).trim(), value: '' }
  } else {
    return problem(`-H ${JSON.stringify(text)} is not 'Name: value'`)
  }
  if (!TOKEN.test(flag.name)) {
    return problem(`-H ${JSON.stringify(text)}: ${JSON.stringify(flag.name)} is not a header name`)
  }
  if (SIGNING_HEADERS.has(flag.name.toLowerCase())) {
    return problem(
      `-H ${flag.name} cannot be set: the SigV4 signature sets host, authorization, ` +
        'x-amz-date, x-amz-content-sha256 and x-amz-security-token itself',
    )
  }
  return flag
}

/** The content type a body is sent with unless `-H 'Content-Type: …'` says otherwise. */
export function defaultContentType(path: string): string {
  return NDJSON_PATHS.some((pattern) => pattern.test(path.replace(/\/+$/, '')))
    ? 'application/x-ndjson'
    : 'application/json'
}

/** The request headers: defaults first, then every `-H` in order (the last of a name wins). */
export function requestHeaders(
  defaults: Readonly<Record<string, string>>,
  flags: readonly HeaderFlag[],
): Record<string, string> {
  const headers: Record<string, string> = {}
  const set = (name: string, value: string | undefined): void => {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing]
    }
    if (value !== undefined) headers[name.toLowerCase()] = value
  }
  for (const [name, value] of Object.entries(defaults)) set(name, value)
  for (const flag of flags) set(flag.name, 'remove' in flag ? undefined : flag.value)
  return headers
}
