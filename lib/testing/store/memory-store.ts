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
import { EsError, esErrorBody } from './errors'
import { Indices } from './indices'
import { readJson } from './json'
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
    try {
      return this.route(request)
    } catch (err) {
      if (err instanceof EsError) {
        const body = esErrorBody(err.status, err.type, err.reason, err.extra)
        return { status: err.status, body: request.method === 'HEAD' ? undefined : body }
      }
      throw err
    }
  }

  private route(req: StoreRequest): StoreResponse {
    const [first, second, third, ...rest] = req.segments
    const m = req.method.toUpperCase()
    const path = '/' + req.segments.join('/')
    const allow = (...methods: string[]): void => {
      if (!methods.includes(m)) {
        throw new EsError(
          405,
          'method_not_allowed',
          `Incorrect HTTP method for uri [${path}] and method [${m}], allowed: [${methods.join(', ')}]`,
        )
      }
    }
    const noHandler = (): never => {
      throw new EsError(
        400,
        'illegal_argument_exception',
        `no handler found for uri [${path}] and method [${m}]`,
      )
    }
    if (rest.length > 0) noHandler()

    if (first === undefined) {
      allow('GET', 'HEAD')
      return m === 'HEAD'
        ? { status: 200 }
        : { status: 200, body: infoBody(this.engine, this.cluster) }
    }
    if (first === '_bulk' && second === undefined) {
      allow('POST', 'PUT')
      return this.bulks.run(req, undefined)
    }
    if (first === '_search' && second === undefined) {
      allow('GET', 'POST')
      return this.searches.search(req, undefined)
    }
    if (first === '_search' && second === 'scroll') {
      allow('GET', 'POST', 'DELETE')
      return m === 'DELETE'
        ? this.searches.clearScroll(req, third)
        : this.searches.scroll(req, third)
    }
    if (first === '_count' && second === undefined) {
      allow('GET', 'POST')
      return this.searches.count(req, undefined)
    }
    if (first === '_refresh' && second === undefined) {
      allow('GET', 'POST')
      return this.indices.refresh(undefined)
    }
    if (first === '_cat' && second === 'indices') {
      allow('GET')
      return this.indices.cat(third, req.query)
    }
    if (first === '_cluster' && second === 'health') {
      allow('GET')
      return { status: 200, body: healthBody(this.cluster.name, this.indices.size) }
    }
    // `_all` is an index expression (e.g. the bulk helper's GET /_all/_refresh), not an API.
    if (first.startsWith('_') && first !== '_all') noHandler()

    const index = first
    if (second === undefined) {
      allow('GET', 'HEAD', 'PUT', 'DELETE')
      if (m === 'PUT') return this.indices.create(index, req)
      if (m === 'DELETE') return this.indices.delete(index)
      if (m === 'HEAD') return { status: this.indices.has(index) ? 200 : 404 }
      return this.indices.describe(index)
    }
    if (second === '_doc' && third === undefined) {
      allow('POST')
      return this.documents.write(index, randomBytes(15).toString('base64url'), req, 'create')
    }
    if (second === '_doc') {
      allow('GET', 'HEAD', 'PUT', 'POST', 'DELETE')
      if (m === 'GET' || m === 'HEAD') return this.documents.get(index, third, m === 'HEAD')
      if (m === 'DELETE') return this.documents.delete(index, third)
      const opType = req.query.get('op_type') === 'create' ? 'create' : 'index'
      return this.documents.write(index, third, req, opType)
    }
    if (second === '_create' && third !== undefined) {
      allow('PUT', 'POST')
      return this.documents.write(index, third, req, 'create')
    }
    if (second === '_update' && third !== undefined) {
      allow('POST')
      return this.documents.update(index, third, readJson(req.body))
    }
    if (third !== undefined) noHandler()
    if (second === '_bulk') {
      allow('POST', 'PUT')
      return this.bulks.run(req, index)
    }
    if (second === '_search') {
      allow('GET', 'POST')
      return this.searches.search(req, index)
    }
    if (second === '_count') {
      allow('GET', 'POST')
      return this.searches.count(req, index)
    }
    if (second === '_refresh') {
      allow('GET', 'POST')
      return this.indices.refresh(index)
    }
    return noHandler()
  }
}
