/**
 * The media-type rules of the engines the emulator imitates. Elasticsearch 7.10 and OpenSearch
 * accept plain JSON and NDJSON only, and check `Content-Type` only when there is a body;
 * Elasticsearch 8+ accepts its vendor types too.
 */
import { headerValues } from './canonical'
import type { StoreResponse } from './store/types'

const VENDOR_TYPE = /^application\/vnd\.elasticsearch\+/i
const JSON_TYPES = /^application\/(json|x-ndjson)$/i

export interface MediaTypeRules {
  /** Elastic's `application/vnd.elasticsearch+…` types are accepted (Elasticsearch itself). */
  vendorTypes: boolean
  /** Vendor types in `Accept` are refused too (no engine does this; a stricter test setting). */
  rejectVendorAccept: boolean
}

function mediaType(value: string): string {
  return value.split(';')[0].trim()
}

/** The 406 the engine answers for the request's media types, or undefined when they pass. */
export function mediaTypeProblem(
  rawHeaders: readonly string[],
  body: Uint8Array,
  rules: MediaTypeRules,
): StoreResponse | undefined {
  const contentTypes = headerValues(rawHeaders, 'content-type')
  const accept = headerValues(rawHeaders, 'accept').join(',')
  const allowed = (value: string): boolean =>
    JSON_TYPES.test(mediaType(value)) || (rules.vendorTypes && VENDOR_TYPE.test(mediaType(value)))
  const refuse = (error: string): StoreResponse => ({ status: 406, body: { error, status: 406 } })
  if (body.length > 0) {
    if (contentTypes.length === 0) return refuse('Content-Type header is missing')
    if (contentTypes.length > 1 || !allowed(contentTypes[0])) {
      return refuse(`Content-Type header [${contentTypes.join(',')}] is not supported`)
    }
  }
  if (rules.rejectVendorAccept && VENDOR_TYPE.test(accept)) {
    // Not a published text: the Content-Type one, naming the Accept header instead.
    return refuse(`Accept header [${accept}] is not supported`)
  }
  return undefined
}
