/**
 * A small in-memory Elasticsearch/OpenSearch look-alike: enough document, bulk, search, scroll
 * and index APIs, with the JSON shapes real clusters send, for a client to run against it.
 * Writes are visible at once (as if every request refreshed); scores are always 1. This class
 * routes each request to the module that answers it.
 */
import { randomBytes } from 'node:crypto'
import { Bulk } from './bulk'
import { Documents } from './documents'
import { healthBody, infoBody, type Engine } from './engines'
import { EsError, EsRouteError, esErrorBody } from './errors'
import { Indices } from './indices'
import { Search } from './search'
import type { Source, StoreRequest, StoreResponse } from './types'

export interface StoreOptions {
  engine?: Engine
  clusterName?: string
}

export class MemoryStore {
  readonly engine: Engine
  private readonly cluster: { name: string; uuid: string }
  private readonly indices = new Indices()
  private readonly documents: Documents
  private readonly searches: Search
  private readonly bulks: Bulk

  constructor(options: StoreOptions = {}) {
    this.engine = options.engine ?? 'opensearch'
    this.cluster = {
      name: options.clusterName ?? 'emulator',
      uuid: randomBytes(16).toString('base64url').slice(0, 22),
    }
    this.documents = new Documents(this.indices, this.engine)
    this.searches = new Search(this.indices, this.engine)
    this.bulks = new Bulk(this.indices, this.documents, this.engine)
  }

  /** Number of documents in an index (0 when it does not exist). */
  documentCount(index: string): number {
    return this.indices.get(index)?.docs.size ?? 0
  }

  /** A stored document's source, or undefined. */
  getDocument(index: string, id: string): Source | undefined {
    return this.indices.get(index)?.docs.get(id)?.source
  }

  indexNames(): string[] {
    return this.indices.names()
  }

  /** Drops every index and scroll. */
  reset(): void {
    this.indices.clear()
    this.searches.clear()
  }

  handle(request: StoreRequest): StoreResponse {
    const head = request.method.toUpperCase() === 'HEAD'
    try {
      return this.route(request)
    } catch (err) {
      if (err instanceof EsError) {
        const body = esErrorBody(err.status, err.type, err.reason, err.extra, err.rootCauses)
        return { status: err.status, body: head ? undefined : body }
      }
      if (err instanceof EsRouteError) {
        // The engine's REST layer answers these itself: `error` is a plain string.
        const body = err.status === 405 ? { error: err.text, status: 405 } : { error: err.text }
        return {
          status: err.status,
          body: head ? undefined : body,
          ...(err.allow ? { headers: { allow: err.allow.join(',') } } : {}),
        }
      }
      throw err
    }
  }

  private route(req: StoreRequest): StoreResponse {
    const [first, second, third, ...rest] = req.segments
    const m = req.method.toUpperCase()
    const path = '/' + req.segments.join('/')
    /** The methods a route takes (the engine lists them from a hash set, in no fixed order). */
    const allow = (...methods: string[]): void => {
      if (!methods.includes(m)) {
        throw new EsRouteError(
          405,
          `Incorrect HTTP method for uri [${path}] and method [${m}], allowed: [${methods.join(', ')}]`,
          methods,
        )
      }
    }
    const noHandler = (): never => {
      throw new EsRouteError(400, `no handler found for uri [${path}] and method [${m}]`)
    }
    if (rest.length > 0) noHandler()

    if (first === undefined) {
      allow('HEAD', 'DELETE', 'GET')
      if (m === 'DELETE') {
        throw new EsError(
          400,
          'action_request_validation_exception',
          'Validation Failed: 1: index / indices is missing;',
        )
      }
      return m === 'HEAD'
        ? { status: 200 }
        : { status: 200, body: infoBody(this.engine, this.cluster) }
    }
    if (first === '_bulk' && second === undefined) {
      allow('POST', 'PUT')
      return this.bulks.run(req, undefined)
    }
    if (first === '_search' && second === undefined) {
      allow('POST', 'GET')
      return this.searches.search(req, undefined)
    }
    if (first === '_search' && second === 'scroll') {
      allow('POST', 'DELETE', 'GET')
      return m === 'DELETE'
        ? this.searches.clearScroll(req, third)
        : this.searches.scroll(req, third)
    }
    if (first === '_count' && second === undefined) {
      allow('POST', 'GET')
      return this.searches.count(req, undefined)
    }
    if (first === '_mget' && second === undefined) {
      allow('POST', 'GET')
      return this.documents.mget(req, undefined)
    }
    if (first === '_msearch' && second === undefined) {
      allow('POST', 'GET')
      return this.searches.msearch(req, undefined)
    }
    if (first === '_refresh' && second === undefined) {
      allow('POST', 'GET')
      return this.indices.refresh(undefined)
    }
    if (first === '_cat' && second === 'indices') {
      allow('GET')
      return this.indices.cat(third, req.query)
    }
    if (first === '_cluster' && second === 'health' && third === undefined) {
      allow('GET')
      return { status: 200, body: healthBody(this.cluster.name, this.indices.size) }
    }
    // Any other first segment names indices, `_`-prefixed ones too (refused as index names, as
    // the engine does), except under an API the store does not have (`_cat/nodes`, ...).
    if (first.startsWith('_') && second !== undefined && !INDEX_APIS.has(second)) noHandler()

    const index = first
    if (second === undefined) {
      allow('HEAD', 'PUT', 'DELETE', 'GET')
      if (m === 'PUT') return this.indices.create(index, req)
      if (m === 'DELETE') return this.indices.delete(index)
      if (m === 'HEAD') return { status: this.indices.resolve(index, true).length > 0 ? 200 : 404 }
      return this.indices.describe(index)
    }
    if (second === '_doc' && third === undefined) {
      allow('POST')
      return this.documents.write(index, randomBytes(15).toString('base64url'), req, 'create')
    }
    if (second === '_doc') {
      allow('POST', 'HEAD', 'PUT', 'DELETE', 'GET')
      if (m === 'GET' || m === 'HEAD') return this.documents.get(index, third, m === 'HEAD')
      if (m === 'DELETE') return this.documents.delete(index, third, req)
      const opType = req.query.get('op_type') === 'create' ? 'create' : 'index'
      return this.documents.write(index, third, req, opType)
    }
    if (second === '_create' && third !== undefined) {
      allow('POST', 'PUT')
      return this.documents.write(index, third, req, 'create')
    }
    if (second === '_update' && third !== undefined) {
      allow('POST')
      return this.documents.update(index, third, req)
    }
    if (third !== undefined) noHandler()
    if (second === '_bulk') {
      allow('POST', 'PUT')
      return this.bulks.run(req, index)
    }
    if (second === '_search') {
      allow('POST', 'GET')
      return this.searches.search(req, index)
    }
    if (second === '_count') {
      allow('POST', 'GET')
      return this.searches.count(req, index)
    }
    if (second === '_mget') {
      allow('POST', 'GET')
      return this.documents.mget(req, index)
    }
    if (second === '_msearch') {
      allow('POST', 'GET')
      return this.searches.msearch(req, index)
    }
    if (second === '_refresh') {
      allow('POST', 'GET')
      return this.indices.refresh(index)
    }
    return noHandler()
  }
}

/** The per-index APIs the store answers (`/<index>/<api>`). */
const INDEX_APIS = new Set([
  '_doc',
  '_create',
  '_update',
  '_bulk',
  '_search',
  '_count',
  '_mget',
  '_msearch',
  '_refresh',
])
