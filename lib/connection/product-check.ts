/**
 * The clients' product checks, against the Amazon-managed engines (the services whose row in
 * aws/services.ts has `amazonEngine`), which never identify themselves as Elastic's product.
 *
 * The 8.x/9.x client throws `ProductNotSupportedError` for every 2xx response without
 * `x-elastic-product: Elasticsearch`: {@link withProductHeader} adds it, since the engine behind
 * these service names is known.
 *
 * The check of @elastic/elasticsearch 7.14–7.17 is a request of its own: before its first
 * request such a client sends `GET /` and refuses every request unless the
 * answer looks like Elastic's Elasticsearch; for a server reporting 7.0–7.13 that means
 * `tagline: "You Know, for Search"` and `version.build_flavor: "default"`. Amazon's
 * Elasticsearch 7.10 reports `build_flavor: "oss"`; OpenSearch in compatibility mode reports
 * 7.10.2 with no build flavour and its own tagline; OpenSearch without it reports its own
 * version (1.x–3.x, with `distribution: "opensearch"`); OpenSearch Serverless has no `GET /` at all.
 *
 * Only the check's own request is answered differently, never `client.info()`: the transport
 * sends the check as `{ method: 'GET', path: '/' }` with no `body` key, while `info()` sends
 * `body: null`. The connections (promise-connection.ts, callback-connection.ts) apply these;
 * {@link ProductCheckAnswers} keeps what one connection class learned of its engine.
 */
import type { ConnectionResponse } from '../exchange/types'
import { serviceFor } from '../aws/services'
import { bodyText, parseJsonObject } from '../common/body'
import { AwsSigV4UnsupportedEngineError } from '../errors'

/** The product the 8.x/9.x client checks for in `x-elastic-product`. */
export const ELASTIC_PRODUCT = 'Elasticsearch'

/** The tagline of Elastic's Elasticsearch, which the 7.14–7.17 client's product check requires. */
const ELASTIC_TAGLINE = 'You Know, for Search'

/** The build flavour that check requires of a 7.0–7.13 server (Amazon's 7.10 reports `oss`). */
const ELASTIC_BUILD_FLAVOR = 'default'

/**
 * The version the product check is answered with for OpenSearch Serverless, which has no
 * `GET /`: the Elasticsearch version whose API OpenSearch keeps (what compatibility mode reports).
 */
const SERVERLESS_REPORTED_VERSION = '7.10.2'

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

const PRODUCT_HEADER = Object.freeze({ 'x-elastic-product': ELASTIC_PRODUCT })

/** Adds `x-elastic-product` to a response from an Amazon-managed engine (8.x/9.x clients). */
export function withProductHeader(response: ConnectionResponse): ConnectionResponse {
  const { headers } = response
  if (headers['x-elastic-product'] !== undefined) return response
  // On every response: Object.assign copies the headers about 5x faster than a spread followed
  // by a key (~0.1 vs ~0.5 µs). Only a header named `__proto__`, which assigning would take as
  // the prototype, needs the spread.
  const copy = Object.prototype.hasOwnProperty.call(headers, '__proto__')
    ? { ...headers, ...PRODUCT_HEADER }
    : Object.assign({}, headers, PRODUCT_HEADER)
  return { ...response, headers: copy }
}

/**
 * The 7.14–7.17 product check's answers for one connection class. Once an engine's answer showed
 * it unsupported, later checks (the transport's retries, its re-check before each later
 * request) are answered locally with the same error.
 */
export class ProductCheckAnswers {
  #unsupportedEngine: string | undefined

  /** The check answered without sending it, or undefined when it must be sent. */
  localAnswer(service: string): ConnectionResponse | Error | undefined {
    if (this.#unsupportedEngine !== undefined) {
      return new AwsSigV4UnsupportedEngineError(this.#unsupportedEngine)
    }
    if (serviceFor(service).clusterInfo) return undefined
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify(LOCAL_PRODUCT_CHECK_INFO),
    }
  }

  /** The server's answer to the check, as the client is to see it; throws for an unsupported engine. */
  answered(response: ConnectionResponse): ConnectionResponse {
    const text = response.statusCode < 300 ? bodyText(response.body) : undefined
    const info = text === undefined ? undefined : parseJsonObject(text)
    if (info === undefined) return response
    const answer = answerProductCheck(info)
    if (answer.kind === 'unsupported') {
      this.#unsupportedEngine = answer.engine
      throw new AwsSigV4UnsupportedEngineError(answer.engine)
    }
    return answer.kind === 'adapted' ? { ...response, body: JSON.stringify(answer.info) } : response
  }
}
