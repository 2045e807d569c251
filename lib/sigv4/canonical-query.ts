import type { QueryParameterBag } from '@smithy/types'
import { AwsSigV4RequestError } from '../errors'
import { PRESIGNED_QUERY_PARAMETERS } from './constants'
import { uriEscape } from './uri-escape'

/** A query as it goes on the wire, and as it is signed. */
export interface EncodedQuery {
  /**
   * Every pair decoded, then RFC 3986-encoded, in the caller's order: what is sent. Order
   * matters to the server (OpenSearch takes the last of a repeated key), so it is kept.
   */
  sent: string
  /** The same pairs sorted by key, then by value: the canonical query that is signed. */
  canonical: string
}

/**
 * The query string the client built (Node's `querystring.stringify`, which leaves `! ' ( ) *`
 * raw) or one a user passed, as it is sent and as it is signed: every key and value decoded,
 * then RFC 3986-encoded (space as `%20`, `* ! ' ( )` encoded). The receiver (AWS, the emulator)
 * decodes, re-encodes and sorts what arrives, so it rebuilds exactly the canonical query signed
 * whatever the order sent. One pass, no parameter bag: it is on every request's path.
 */
export function encodedQuery(querystring: string | undefined): EncodedQuery {
  if (!querystring) return { sent: '', canonical: '' }
  const pairs = decodedPairs(querystring)
  for (const pair of pairs) {
    pair[0] = uriEscape(pair[0])
    pair[1] = uriEscape(pair[1])
  }
  const sent = joinPairs(pairs)
  if (pairs.length < 2) return { sent, canonical: sent }
  pairs.sort(byKeyThenValue)
  return { sent, canonical: joinPairs(pairs) }
}

/** The canonical SigV4 query string (see {@link encodedQuery}): the pairs encoded and sorted. */
export function canonicalQuery(querystring: string | undefined): string {
  return encodedQuery(querystring).canonical
}

function joinPairs(pairs: ReadonlyArray<[string, string]>): string {
  let out = ''
  for (const [key, value] of pairs) out += out === '' ? `${key}=${value}` : `&${key}=${value}`
  return out
}

/**
 * The same parameters decoded into the bag `@smithy/signature-v4` takes (a key that repeats maps
 * to an array), for the signing path that goes through smithy.
 */
export function queryParameters(querystring: string | undefined): QueryParameterBag {
  const parameters: QueryParameterBag = Object.create(null)
  if (!querystring) return parameters
  for (const [key, value] of decodedPairs(querystring)) {
    const existing = parameters[key]
    if (existing === undefined || existing === null) parameters[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else parameters[key] = [existing, value]
  }
  return parameters
}

/** The `key=value` pairs, decoded, in order; a key without `=` has the value ''. */
function decodedPairs(querystring: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const pair of querystring.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq))
    checkSignable(key)
    pairs.push([key, eq === -1 ? '' : decodeComponent(pair.slice(eq + 1))])
  }
  return pairs
}

/** As smithy orders them: by key, and a repeated key's pairs by value. */
function byKeyThenValue(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0
}

const RESERVED = new Set(PRESIGNED_QUERY_PARAMETERS.map((name) => name.toLowerCase()))

/**
 * Refuses the names no request signed in its headers can carry.
 * - `__proto__`: smithy's signer collects parameters in a plain object, where this name is the
 *   prototype: its canonical query would come out as "[object Object]".
 * - SigV4's presigned-URL names: SigV4 reads them as query-string authentication, smithy's
 *   signer leaves `X-Amz-Signature` out of the canonical query, and AWS would see two ways of
 *   signing in one request. Refused by name only: the value may be a signature or a token.
 */
function checkSignable(key: string): void {
  if (key === '__proto__') {
    throw new AwsSigV4RequestError(
      'A query parameter named "__proto__" cannot be signed. Nothing was sent.',
    )
  }
  if (!RESERVED.has(key.toLowerCase())) return
  throw new AwsSigV4RequestError(
    `The query parameter "${key}" is reserved for SigV4 query-string signing (presigned URLs) ` +
      'and cannot go with a request signed in its headers: the signer would drop it or AWS ' +
      'would refuse the request. Rename or remove the parameter. Nothing was sent.',
  )
}

/**
 * Form-style decoding, as Elasticsearch itself decodes query parameters (`+` is a space). A
 * malformed escape is kept literally, so its `%` is re-encoded rather than guessed at.
 */
function decodeComponent(raw: string): string {
  const spaced = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}
