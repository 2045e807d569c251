/**
 * `--read-only`: which requests are reads. Every `GET` and `HEAD`, and the read APIs that take a
 * body (so `POST`), or free what a read holds (so `DELETE` of a scroll or a point in time).
 * Anything else is refused before it leaves. Pure.
 *
 * Paths are matched segment by segment, never by their end: `POST /idx/_doc/_search` indexes a
 * document whose id is `_search` on OpenSearch, and must not pass as a search. The index
 * expression is one segment (a name, a comma list, a wildcard, `_all`); the typed paths of
 * Elasticsearch 6/7 (`/idx/type/_search`) are refused, since the same shape writes elsewhere.
 */

/**
 * A path pattern: literal segments; `*` for one index expression (not starting with `_`, but
 * for `_all`); `{id}` for one segment of any kind (a document or scroll id).
 */
type Pattern = readonly string[]

/** The read APIs, by the methods that may reach them. */
const READS: ReadonlyArray<{ methods: readonly string[]; patterns: readonly Pattern[] }> = [
  {
    methods: ['POST'],
    patterns: [
      ...withIndex(['_search']),
      ...withIndex(['_msearch']),
      ...withIndex(['_search', 'template']),
      ...withIndex(['_msearch', 'template']),
      ...withIndex(['_count']),
      ...withIndex(['_mget']),
      ...withIndex(['_field_caps']),
      ...withIndex(['_validate', 'query']),
      ['*', '_explain', '{id}'],
      ['_search', 'scroll'],
      ['_search', 'scroll', '{id}'],
      // Point in time: Elasticsearch opens one with `_pit`, OpenSearch with `_search/point_in_time`.
      ['*', '_pit'],
      ['*', '_search', 'point_in_time'],
    ],
  },
  {
    methods: ['DELETE'],
    patterns: [
      ['_search', 'scroll'],
      ['_search', 'scroll', '{id}'],
      ['_pit'],
      ['_search', 'point_in_time'],
      ['_search', 'point_in_time', '_all'],
    ],
  },
]

/** `/_api` and `/{index}/_api`. */
function withIndex(api: Pattern): Pattern[] {
  return [api, ['*', ...api]]
}

/** Whether `--read-only` forwards `method path` (path without its query). */
export function isRead(method: string, path: string): boolean {
  const m = method.toUpperCase()
  if (m === 'GET' || m === 'HEAD') return true
  const segments = segmentsOf(path)
  if (segments === undefined) return false
  return READS.some(
    (read) => read.methods.includes(m) && read.patterns.some((p) => matches(p, segments)),
  )
}

/**
 * The path's segments, percent-decoded as the engine routes them (`%5Fsearch` is `_search`), or
 * undefined when one is empty (`//`, a trailing slash) or does not decode.
 */
function segmentsOf(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined
  const segments: string[] = []
  for (const raw of path.slice(1).split('/')) {
    if (raw === '') return undefined
    try {
      segments.push(decodeURIComponent(raw))
    } catch {
      return undefined
    }
  }
  return segments
}

function matches(pattern: Pattern, segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false
  return pattern.every((p, i) => {
    const segment = segments[i]
    if (p === '{id}') return true
    if (p === '*') return !segment.startsWith('_') || segment === '_all'
    return p === segment
  })
}

/** What the proxy answers a refused write with, in Elasticsearch's error shape. */
export function readOnlyReason(method: string, path: string): string {
  return (
    `the proxy runs with --read-only and does not forward ${method.toUpperCase()} ${path}: ` +
    'only GET, HEAD and the read APIs (_search, _msearch, _count, _mget, scroll, _field_caps, ' +
    '_validate/query, _explain, point in time) are. Nothing was sent; restart the proxy ' +
    'without --read-only to write'
  )
}
