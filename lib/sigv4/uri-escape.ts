/**
 * RFC 3986 percent-encoding as SigV4 canonicalises paths and query parameters: everything but
 * the unreserved characters (`A-Z a-z 0-9 - . _ ~`) as UTF-8 `%XX`, hex in upper case.
 */

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/
/** What `encodeURIComponent` leaves raw although RFC 3986 reserves it. */
const LEFT_RAW = /[!'()*]/g

/**
 * The text percent-encoded; text of unreserved characters only is returned as it is (the usual
 * `size=10`). Throws URIError for a lone surrogate, which has no UTF-8 form.
 */
export function uriEscape(text: string): string {
  if (UNRESERVED_ONLY.test(text)) return text
  return encodeURIComponent(text).replace(LEFT_RAW, hexEscape)
}

function hexEscape(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`
}
