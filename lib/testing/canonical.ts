/**
 * SigV4 canonicalisation as the receiving side rebuilds it, from what arrived on the wire.
 * Written from AWS's published algorithm, independently of this package's signer, so that a
 * bug in one is not mirrored by the other.
 *
 * Strings that stand for wire bytes (paths, queries) are read as UTF-8: Node's HTTP parser only
 * lets ASCII through in the request target, and the AWS test vectors spell raw UTF-8 there.
 */
import { createHash, createHmac } from 'node:crypto'

/** SigV4's names, as AWS's documentation spells them; kept here, apart from lib's signer. */
export const ALGORITHM = 'AWS4-HMAC-SHA256'
/** The last element of a credential scope. */
export const TERMINATOR = 'aws4_request'
/** The `x-amz-content-sha256` value of a request whose body is not signed. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/** How a bare `+` in the query string is read before it is re-encoded. */
export type QueryPlusMode = 'literal' | 'space'

export interface CanonicalOptions {
  /**
   * Remove `.`/`..` and empty path segments before encoding (every service but S3).
   * Default true.
   */
  normalizePath?: boolean
  /** Default 'literal': `+` is a plus sign (RFC 3986), so it canonicalises to `%2B`. */
  queryPlus?: QueryPlusMode
}

export interface CanonicalRequestParts {
  method: string
  /** The request target as received: path plus optional `?query`. */
  url: string
  /** Node's `req.rawHeaders` layout: name, value, name, value, ... */
  rawHeaders: readonly string[]
  /** Lowercase header names, in the order given by SignedHeaders. */
  signedHeaders: readonly string[]
  payloadHash: string
  /** Replaces the `host` header's value in the canonical headers when set. */
  hostOverride?: string
}

const HEX = '0123456789ABCDEF'

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  )
}

/** RFC 3986 encoding of every byte except A-Z a-z 0-9 - _ . ~ (uppercase hex). */
export function uriEncodeBytes(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : '%' + HEX[byte >> 4] + HEX[byte & 15]
  }
  return out
}

/** Encodes a string's UTF-8 bytes per RFC 3986 (so `%` itself becomes `%25`). */
export function uriEncode(value: string): string {
  return uriEncodeBytes(Buffer.from(value, 'utf8'))
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/**
 * Percent-decodes to bytes. A `%` not followed by two hex digits is kept as a literal `%`
 * (it is then re-encoded as `%25`), rather than failing the whole request.
 */
export function percentDecode(value: string, plusAsSpace = false): Buffer {
  const bytes = Buffer.from(value, 'utf8')
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1])
      const lo = hexValue(bytes[i + 2])
      if (hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo)
        i += 2
        continue
      }
    }
    out.push(plusAsSpace && byte === 0x2b ? 0x20 : byte)
  }
  return Buffer.from(out)
}

/** Splits a request target into its raw path and raw query (without the `?`). */
export function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf('#')
  const target = hash >= 0 ? url.slice(0, hash) : url
  const q = target.indexOf('?')
  return q >= 0
    ? { path: target.slice(0, q), query: target.slice(q + 1) }
    : { path: target, query: '' }
}

/**
 * Removes `.` and `..` segments and empty segments (duplicate slashes), keeping a trailing
 * slash. Works on the raw segments: an encoded `%2E` is not a dot.
 */
export function normalizePath(rawPath: string): string {
  const segments: string[] = []
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  if (segments.length === 0) return '/'
  // As in RFC 3986 dot-segment removal, a path ending in `/.` or `/..` keeps a trailing slash.
  const trailing = rawPath.endsWith('/') || rawPath.endsWith('/.') || rawPath.endsWith('/..')
  return '/' + segments.join('/') + (trailing ? '/' : '')
}

/**
 * Canonical URI, non-S3 rules: the raw path is encoded once more, segment by segment, so an
 * incoming `%2F` becomes `%252F` and a space `%20` becomes `%2520`.
 */
export function canonicalUri(rawPath: string, options: CanonicalOptions = {}): string {
  const path = rawPath === '' ? '/' : rawPath
  const normalized = options.normalizePath === false ? path : normalizePath(path)
  return normalized
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/')
}

/**
 * Canonical query: each `k=v` decoded then re-encoded per RFC 3986, sorted by encoded key then
 * value; a bare key becomes `key=`.
 */
export function canonicalQuery(rawQuery: string, options: CanonicalOptions = {}): string {
  if (rawQuery === '') return ''
  const plusAsSpace = options.queryPlus === 'space'
  const pairs: Array<[string, string]> = []
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue
    const eq = piece.indexOf('=')
    const rawKey = eq >= 0 ? piece.slice(0, eq) : piece
    const rawValue = eq >= 0 ? piece.slice(eq + 1) : ''
    pairs.push([
      uriEncodeBytes(percentDecode(rawKey, plusAsSpace)),
      uriEncodeBytes(percentDecode(rawValue, plusAsSpace)),
    ])
  }
  // Encoded strings are pure ASCII, so code-unit order is byte order.
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  )
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

/** Trims and collapses runs of whitespace (folded line breaks included) into one space. */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/[ \t\r\n]+/g, ' ').trim()
}

/** All values of a header (case-insensitive), in arrival order. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase()
  const values: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === wanted) values.push(rawHeaders[i + 1])
  }
  return values
}

/** The canonical headers block: `name:value\n` per signed header; repeats joined with `,`. */
export function canonicalHeaders(
  rawHeaders: readonly string[],
  signedHeaders: readonly string[],
  hostOverride?: string,
): string {
  return signedHeaders
    .map((name) => {
      const values =
        name === 'host' && hostOverride !== undefined
          ? [hostOverride]
          : headerValues(rawHeaders, name)
      return `${name}:${values.map(canonicalHeaderValue).join(',')}\n`
    })
    .join('')
}

export function buildCanonicalRequest(
  parts: CanonicalRequestParts,
  options: CanonicalOptions = {},
): string {
  const { path, query } = splitUrl(parts.url)
  return [
    parts.method.toUpperCase(),
    canonicalUri(path, options),
    canonicalQuery(query, options),
    canonicalHeaders(parts.rawHeaders, parts.signedHeaders, parts.hostOverride),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n')
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${TERMINATOR}`
}

export function buildStringToSign(
  amzDate: string,
  scope: string,
  canonicalRequest: string,
): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
export function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const kDate = createHmac('sha256', 'AWS4' + secretAccessKey)
    .update(date)
    .digest()
  const kRegion = createHmac('sha256', kDate).update(region).digest()
  const kService = createHmac('sha256', kRegion).update(service).digest()
  return createHmac('sha256', kService).update(TERMINATOR).digest()
}

export function computeSignature(signingKey: Uint8Array, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex')
}
