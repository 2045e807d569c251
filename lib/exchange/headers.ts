import type { IncomingHttpHeaders } from 'node:http'
import { AwsSigV4RequestError } from '../errors'

/** Header values as the transport hands them over (it may set numbers, e.g. content-length). */
export type HeaderInput =
  IncomingHttpHeaders | Record<string, string | string[] | number | undefined>

/** Headers that SigV4 owns: whatever arrives under these names is replaced by our own values. */
const SIGV4_OWNED = new Set([
  'authorization',
  'host',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
])

/**
 * Merges header sets into a new object (later sets win, names lower-cased), as the connection
 * classes do before sending. Numbers become strings, since the signer and some HTTP stacks
 * reject numbers; the inputs are never modified.
 */
export function mergeHeaders(
  ...sources: Array<HeaderInput | null | undefined>
): Record<string, string | string[]> {
  const merged: Record<string, string | string[]> = {}
  for (const source of sources) {
    if (source == null) continue
    for (const name of Object.keys(source)) {
      const value: unknown = source[name]
      const lower = name.toLowerCase()
      if (value === undefined || value === null) {
        delete merged[lower]
      } else if (typeof value === 'string') {
        merged[lower] = value
      } else if (typeof value === 'number' || typeof value === 'bigint') {
        merged[lower] = String(value)
      } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        merged[lower] = value as string[]
      } else {
        throw new AwsSigV4RequestError(
          `Header "${name}" has a value of type ${Array.isArray(value) ? 'array of non-strings' : typeof value}; ` +
            'header values must be strings (or numbers). Nothing was sent.',
        )
      }
    }
  }
  for (const name of SIGV4_OWNED) delete merged[name]
  return merged
}

/** One string for a header that may repeat, joined the way SigV4 canonicalises repeats. */
export function headerString(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(',') : value
}

/**
 * A connection's own default headers as its base class will send them beside the signed ones:
 * names lower-cased (where one name is given in several cases, the last wins, as in the signed
 * request), and without SigV4's names, which the base would otherwise send unsigned beside ours
 * (a node's `X-Amz-Security-Token`). The same object when there is nothing to change, never the
 * caller's modified.
 */
export function connectionHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  if (headers == null) return headers
  const names = Object.keys(headers)
  if (names.every((name) => name === name.toLowerCase() && !SIGV4_OWNED.has(name))) return headers
  const out: IncomingHttpHeaders = {}
  for (const name of names) {
    const lower = name.toLowerCase()
    if (!SIGV4_OWNED.has(lower)) out[lower] = headers[name]
  }
  return out
}
