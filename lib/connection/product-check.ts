/**
 * The product check of @elastic/elasticsearch 7.14–7.17, against the Amazon-managed engines.
 *
 * Before its first request such a client sends `GET /` and refuses every request unless the
 * answer looks like Elastic's Elasticsearch; for a server reporting 7.0–7.13 that means
 * `tagline: "You Know, for Search"` and `version.build_flavor: "default"`. Amazon's
 * Elasticsearch 7.10 reports `build_flavor: "oss"`; OpenSearch in compatibility mode reports
 * 7.10.2 with no build flavour and its own tagline; OpenSearch without it reports its own
 * version (1.x–3.x, with `distribution: "opensearch"`); OpenSearch Serverless has no `GET /` at all.
 *
 * Only the check's own request is answered differently, never `client.info()`: the transport
 * sends the check as `{ method: 'GET', path: '/' }` with no `body` key, while `info()` sends
 * `body: null`. Pure functions; the connection (callback-connection.ts) applies them.
 */
import {
  ELASTIC_BUILD_FLAVOR,
  ELASTIC_TAGLINE,
  SERVERLESS_REPORTED_VERSION,
} from '../sigv4/constants'

/** Whether the transport's params are its product check (not `client.info()`). */
export function isProductCheck(params: object): boolean {
  const { method, path } = params as { method?: unknown; path?: unknown }
  return method === 'GET' && path === '/' && !Object.prototype.hasOwnProperty.call(params, 'body')
}

/** What to hand the client for the server's answer to its product check. */
export type ProductCheckAnswer =
  /** The answer passes the check as it is, or is none of ours to change: left untouched. */
  | { kind: 'as-is' }
  /** The same answer with the two fields the check reads made Elastic's. */
  | { kind: 'adapted'; info: Record<string, unknown> }
  /** An engine these clients cannot talk to, named as it reported itself. */
  | { kind: 'unsupported'; engine: string }

/**
 * The answer for a server's `GET /` body. A 7.0–7.13 version gets `build_flavor` and `tagline`
 * set when they differ, and nothing else (`version.number` stays the engine's); OpenSearch
 * reporting its own version is unsupported; anything else is left as it is.
 */
export function answerProductCheck(info: Record<string, unknown>): ProductCheckAnswer {
  const version = info.version
  if (typeof version !== 'object' || version === null) return { kind: 'as-is' }
  const { number, distribution, build_flavor } = version as Record<string, unknown>
  if (typeof number !== 'string') return { kind: 'as-is' }
  const [major, minor] = number.split('.').map(Number)
  const openSearch =
    distribution === 'opensearch' ||
    (typeof info.tagline === 'string' && info.tagline.includes('OpenSearch'))
  if (openSearch && major !== 7) {
    return { kind: 'unsupported', engine: `OpenSearch ${number}` }
  }
  if (major !== 7 || !(minor < 14)) return { kind: 'as-is' }
  if (build_flavor === ELASTIC_BUILD_FLAVOR && info.tagline === ELASTIC_TAGLINE) {
    return { kind: 'as-is' }
  }
  return {
    kind: 'adapted',
    info: {
      ...info,
      version: { ...(version as object), build_flavor: ELASTIC_BUILD_FLAVOR },
      tagline: ELASTIC_TAGLINE,
    },
  }
}

/**
 * The whole answer given, without sending anything, to the product check of a service without
 * `GET /` (OpenSearch Serverless): what the check reads, and nothing else.
 */
export const LOCAL_PRODUCT_CHECK_INFO: Readonly<Record<string, unknown>> = Object.freeze({
  version: Object.freeze({
    number: SERVERLESS_REPORTED_VERSION,
    build_flavor: ELASTIC_BUILD_FLAVOR,
  }),
  tagline: ELASTIC_TAGLINE,
})
