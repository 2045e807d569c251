import type { HttpRequest, QueryParameterBag } from '@smithy/types'
import { AwsSigV4RequestError } from './errors'
import { PRESIGNED_QUERY_PARAMETERS } from './constants'
import { smithySigner } from './smithy-signer'

/** A query string decoded into the parameter bag the smithy signer takes, and its canonical form. */
export interface CanonicalQuery {
  /** Decoded parameters; a key that repeats maps to an array. */
  parameters: QueryParameterBag
  /**
   * The canonical SigV4 query string: RFC 3986 encoding (space as `%20`, `* ! ' ( )` encoded),
   * sorted by key then value. This exact string is what goes on the wire.
   */
  canonical: string
}

/**
 * Parses the query string the client built (Node's `querystring.stringify`, which leaves
 * `! ' ( ) *` raw) or one a user passed, and re-encodes it canonically. Sending the canonical
 * string itself means the server rebuilds exactly what was signed.
 */
export function canonicalizeQuery(querystring: string | undefined): CanonicalQuery {
  const parameters: QueryParameterBag = Object.create(null)
  if (querystring) {
    for (const pair of querystring.split('&')) {
      if (pair === '') continue
      const eq = pair.indexOf('=')
      const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq))
      if (key === '__proto__') {
        // The smithy signer collects parameters in a plain object, where this name is the
        // prototype: the canonical query would come out as "[object Object]".
        throw new AwsSigV4RequestError(
          'A query parameter named "__proto__" cannot be signed. Nothing was sent.',
        )
      }
      checkNotReserved(key)
      const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1))
      const existing = parameters[key]
      if (existing === undefined || existing === null) parameters[key] = value
      else if (Array.isArray(existing)) existing.push(value)
      else parameters[key] = [existing, value]
    }
  }
  return {
    parameters,
    canonical: smithySigner().getCanonicalQuery({ query: parameters } as HttpRequest),
  }
}

const RESERVED = new Set(PRESIGNED_QUERY_PARAMETERS.map((name) => name.toLowerCase()))

/**
 * SigV4 reads these names as query-string authentication (a presigned URL): smithy's signer
 * leaves `X-Amz-Signature` out of the canonical query, and AWS would see two ways of signing in
 * one request. Refused by name only: the value may be a signature or a token.
 */
function checkNotReserved(key: string): void {
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
