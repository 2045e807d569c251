/**
 * Media types for the Amazon-managed engines (OpenSearch, and Elasticsearch up to 7.10): the
 * services whose row in aws/services.ts has `amazonEngine`. The 8.x/9.x client sends Elastic's
 * vendor media types (`application/vnd.elasticsearch+json; compatible-with=N`), which those
 * engines answer with 406; we send the plain types they accept (the JSON is the same). The other
 * half of that adaptation, the product header, is connection/product-check.ts.
 */

/** How many distinct vendor media type values are remembered in their plain form. */
const MEDIA_TYPES_REMEMBERED = 32

const VENDOR_MEDIA_TYPE = /^application\/vnd\.elasticsearch\+(json|x-ndjson)\s*(;.*)?$/i

/** Plain media type for one vendor media type; anything else is returned unchanged. */
export function plainMediaType(mediaType: string): string {
  const match = VENDOR_MEDIA_TYPE.exec(mediaType.trim())
  if (match === null) return mediaType
  return match[1].toLowerCase() === 'json' ? 'application/json' : 'application/x-ndjson'
}

/**
 * The client sends the same few vendor types on every request (`compatible-with=8|9`, JSON
 * and NDJSON), so each is made plain once; bounded, so odd values cannot grow it.
 */
const seen = new Map<string, string>()

/** The same header value with every vendor media type in its comma-separated list made plain. */
export function plainMediaTypes(value: string): string {
  if (!value.includes('vnd.elasticsearch')) return value
  let plain = seen.get(value)
  if (plain === undefined) {
    plain = value
      .split(',')
      .map((part) => plainMediaType(part.trim()))
      .join(',')
    if (seen.size < MEDIA_TYPES_REMEMBERED) seen.set(value, plain)
  }
  return plain
}

/** Copies `headers`, with `content-type` and `accept` using plain media types. */
export function withPlainMediaTypes(
  headers: Record<string, string | string[]>,
): Record<string, string | string[]> {
  const out = { ...headers }
  for (const name of ['content-type', 'accept']) {
    const value = out[name]
    if (typeof value === 'string') out[name] = plainMediaTypes(value)
    else if (Array.isArray(value)) out[name] = value.map(plainMediaTypes)
  }
  return out
}
