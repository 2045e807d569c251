/**
 * The canonical URI: the path as sent, normalised and percent-encoded once more, as AWS's signer
 * (`@smithy/signature-v4` `getCanonicalPath`) does for every service but S3.
 */
import { uriEscape } from './uri-escape'

/** A path of unreserved characters, `%` and `/` only, starting with `/`. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~%/]*$/
/** An empty segment, or a `.` or `..` one: the path needs normalising. */
const UNNORMALISED = /\/\/|\/\.\.?(\/|$)/

/**
 * The canonical URI of a path as sent: empty and `.` segments dropped, `..` taking the segment
 * before it, the leading and a trailing `/` kept; then percent-encoded once more, as for every
 * AWS service but S3 (a `%` of the client's encoding becomes `%25`).
 */
export function canonicalPath(path: string): string {
  if (PLAIN_PATH.test(path) && !UNNORMALISED.test(path)) {
    return path.includes('%') ? path.replace(/%/g, '%25') : path
  }
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const normalised =
    (path.startsWith('/') ? '/' : '') +
    segments.join('/') +
    (segments.length > 0 && path.endsWith('/') ? '/' : '')
  return uriEscape(normalised).replace(/%2F/g, '/')
}
