/**
 * A small in-memory Elasticsearch/OpenSearch look-alike: enough document, bulk, search, scroll
 * and index APIs, with the JSON shapes real clusters send, for a client to run against it.
 * Writes are visible at once (as if every request refreshed); scores are always 1.
 */
import { randomBytes, randomUUID } from 'node:crypto'

/** Which server the info response (and a few response details) imitate. */
export type Engine = 'opensearch' | 'elasticsearch7' | 'elasticsearch8'

export interface StoreRequest {
  method: string
  /** Decoded path segments, e.g. `['my-index', '_doc', 'a/b']`. */
  segments: readonly string[]
  /** Decoded query parameters (last one wins). */
  query: ReadonlyMap<string, string>
  /** Decompressed body bytes. */
  body: Uint8Array
}

export interface StoreResponse {
  status: number
  /** JSON body; undefined for an empty body (HEAD, for instance). */
  body?: unknown
}

export interface StoreOptions {
  engine?: Engine
  clusterName?: string
}

type Source = Record<string, unknown>

interface StoredDoc {
  source: Source
  version: number
  seqNo: number
}

interface Index {
  name: string
  uuid: string
  created: number
  docs: Map<string, StoredDoc>
  nextSeqNo: number
  mappings: unknown
  settings: unknown
}

interface ScrollContext {
  hits: Hit[]
  position: number
  size: number
  total: number
  shards: number
}

interface Hit {
  index: Index
  id: string
  doc: StoredDoc
}

class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason)
  }
}

/** Body shape of an Elasticsearch error response. */
export function esErrorBody(
  status: number,
  type: string,
  reason: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const cause = { type, reason, ...extra }
  return { error: { root_cause: [cause], ...cause }, status }
}

const INFO_VERSIONS: Record<Engine, Record<string, unknown>> = {
  opensearch: {
    distribution: 'opensearch',
    number: '2.13.0',
    build_type: 'tar',
    build_hash: '7ec678d1b7c87d6e779fdef94e33623e1f1e2647',
    build_date: '2024-03-26T00:04:51.025238748Z',
    build_snapshot: false,
    lucene_version: '9.10.0',
    minimum_wire_compatibility_version: '7.10.0',
    minimum_index_compatibility_version: '7.0.0',
  },
  elasticsearch7: {
    number: '7.10.2',
    build_flavor: 'oss',
    build_type: 'tar',
    build_hash: '747e1cc71def077253878a59143c1f785afa92b9',
    build_date: '2021-01-13T00:42:12.435326Z',
    build_snapshot: false,
    lucene_version: '8.7.0',
    minimum_wire_compatibility_version: '6.8.0',
    minimum_index_compatibility_version: '6.0.0-beta1',
  },
  elasticsearch8: {
    number: '8.15.0',
    build_flavor: 'default',
    build_type: 'docker',
    build_hash: '1a77947f34deddb41af25e6f0ddb8e830159c179',
    build_date: '2024-08-05T10:05:34.233336849Z',
    build_snapshot: false,
    lucene_version: '9.11.1',
    minimum_wire_compatibility_version: '7.17.0',
    minimum_index_compatibility_version: '7.0.0',
  },
}

const FORBIDDEN_INDEX_CHARS = /[\\/*?"<>| ,#:]/

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Values at a dotted path, arrays flattened; `.keyword` sub-fields read as the field itself. */
function fieldValues(source: unknown, path: string): unknown[] {
  const clean = path.endsWith('.keyword') ? path.slice(0, -'.keyword'.length) : path
  if (isObject(source) && clean in source) return flatten(source[clean])
  const dot = clean.indexOf('.')
  if (dot < 0 || !isObject(source)) return []
  const head = source[clean.slice(0, dot)]
  const rest = clean.slice(dot + 1)
  return flatten(head).flatMap((v) => fieldValues(v, rest))
}

function flatten(value: unknown): unknown[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value.flatMap(flatten) : [value]
}

function tokens(value: unknown): string[] {
  return String(value)
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean)
}

function scalarEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b)
  return a === b
}

function allStrings(source: unknown): string[] {
  if (typeof source === 'string' || typeof source === 'number' || typeof source === 'boolean') {
    return [String(source)]
  }
  if (Array.isArray(source)) return source.flatMap(allStrings)
  if (isObject(source)) return Object.values(source).flatMap(allStrings)
  return []
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`)
}

function deepMerge(target: Source, patch: Source): Source {
  const out: Source = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value
  }
  return out
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined && b === undefined) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const left = String(a)
  const right = String(b)
  return left < right ? -1 : left > right ? 1 : 0
}

export class MemoryStore {
  readonly engine: Engine
  private readonly clusterName: string
  private readonly clusterUuid = randomBytes(16).toString('base64url').slice(0, 22)
  private readonly indices = new Map<string, Index>()
  private readonly scrolls = new Map<string, ScrollContext>()

  constructor(options: StoreOptions = {}) {
    this.engine = options.engine ?? 'opensearch'
    this.clusterName = options.clusterName ?? 'emulator'
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
    return [...this.indices.keys()].sort()
  }

  /** Drops every index and scroll. */
  reset(): void {
    this.indices.clear()
    this.scrolls.clear()
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
      return m === 'HEAD' ? { status: 200 } : { status: 200, body: this.info() }
    }
    if (first === '_bulk' && second === undefined) {
      allow('POST', 'PUT')
      return this.bulk(req, undefined)
    }
    if (first === '_search' && second === undefined) {
      allow('GET', 'POST')
      return this.search(req, undefined)
    }
    if (first === '_search' && second === 'scroll') {
      allow('GET', 'POST', 'DELETE')
      return m === 'DELETE' ? this.clearScroll(req, third) : this.scroll(req, third)
    }
    if (first === '_count' && second === undefined) {
      allow('GET', 'POST')
      return this.count(req, undefined)
    }
    if (first === '_refresh' && second === undefined) {
      allow('GET', 'POST')
      return this.refresh(undefined)
    }
    if (first === '_cluster' && second === 'health') {
      allow('GET')
      return { status: 200, body: this.health() }
    }
    // `_all` is an index expression (e.g. the bulk helper's GET /_all/_refresh), not an API.
    if (first.startsWith('_') && first !== '_all') noHandler()

    const index = first
    if (second === undefined) {
      allow('GET', 'HEAD', 'PUT', 'DELETE')
      if (m === 'PUT') return this.createIndex(index, req)
      if (m === 'DELETE') return this.deleteIndex(index)
      if (m === 'HEAD') return { status: this.indices.has(index) ? 200 : 404 }
      return this.getIndex(index)
    }
    if (second === '_doc' && third === undefined) {
      allow('POST')
      return this.write(index, randomBytes(15).toString('base64url'), req, 'create')
    }
    if (second === '_doc') {
      allow('GET', 'HEAD', 'PUT', 'POST', 'DELETE')
      if (m === 'GET' || m === 'HEAD') return this.get(index, third, m === 'HEAD')
      if (m === 'DELETE') return this.deleteDoc(index, third)
      const opType = req.query.get('op_type') === 'create' ? 'create' : 'index'
      return this.write(index, third, req, opType)
    }
    if (second === '_create' && third !== undefined) {
      allow('PUT', 'POST')
      return this.write(index, third, req, 'create')
    }
    if (second === '_update' && third !== undefined) {
      allow('POST')
      return this.update(index, third, this.json(req.body))
    }
    if (third !== undefined) noHandler()
    if (second === '_bulk') {
      allow('POST', 'PUT')
      return this.bulk(req, index)
    }
    if (second === '_search') {
      allow('GET', 'POST')
      return this.search(req, index)
    }
    if (second === '_count') {
      allow('GET', 'POST')
      return this.count(req, index)
    }
    if (second === '_refresh') {
      allow('GET', 'POST')
      return this.refresh(index)
    }
    return noHandler()
  }

  // ---- helpers ---------------------------------------------------------------------------

  private typed(body: Record<string, unknown>): Record<string, unknown> {
    // Elasticsearch 7 still names the (single) mapping type in document responses.
    if (this.engine !== 'elasticsearch7') return body
    const { _index, ...rest } = body
    return { _index, _type: '_doc', ...rest }
  }

  private json(body: Uint8Array): unknown {
    if (body.length === 0) return undefined
    try {
      return JSON.parse(Buffer.from(body).toString('utf8'))
    } catch (err) {
      throw new EsError(
        400,
        'parse_exception',
        `request body is not valid JSON: ${(err as Error).message}`,
      )
    }
  }

  private jsonObject(body: Uint8Array): Source {
    const parsed = this.json(body)
    if (parsed === undefined) {
      throw new EsError(400, 'parse_exception', 'request body is required')
    }
    if (!isObject(parsed)) {
      throw new EsError(400, 'mapper_parsing_exception', 'failed to parse, document is empty')
    }
    return parsed
  }

  private notFound(index: string): EsError {
    return new EsError(404, 'index_not_found_exception', `no such index [${index}]`, {
      'resource.type': 'index_or_alias',
      'resource.id': index,
      index_uuid: '_na_',
      index,
    })
  }

  private requireIndex(name: string): Index {
    const index = this.indices.get(name)
    if (!index) throw this.notFound(name)
    return index
  }

  private validateIndexName(name: string): void {
    let problem: string | undefined
    if (name !== name.toLowerCase()) problem = 'must be lowercase'
    else if (/^[-_+]/.test(name)) problem = "must not start with '_', '-', or '+'"
    else if (FORBIDDEN_INDEX_CHARS.test(name)) {
      problem = 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'
    }
    if (problem) {
      throw new EsError(
        400,
        'invalid_index_name_exception',
        `Invalid index name [${name}], ${problem}`,
        {
          index_uuid: '_na_',
          index: name,
        },
      )
    }
  }

  private ensureIndex(name: string): Index {
    const existing = this.indices.get(name)
    if (existing) return existing
    this.validateIndexName(name)
    const index: Index = {
      name,
      uuid: randomBytes(16).toString('base64url').slice(0, 22),
      created: Date.now(),
      docs: new Map(),
      nextSeqNo: 0,
      mappings: {},
      settings: {},
    }
    this.indices.set(name, index)
    return index
  }

  /** Index names an expression (comma list, `*` patterns, `_all`) stands for. */
  private resolve(expression: string | undefined, ignoreUnavailable = false): Index[] {
    if (expression === undefined || expression === '' || expression === '_all') {
      return [...this.indices.values()]
    }
    const found = new Map<string, Index>()
    for (const part of expression.split(',')) {
      if (part.includes('*')) {
        const re = wildcardToRegExp(part)
        for (const index of this.indices.values())
          if (re.test(index.name)) found.set(index.name, index)
      } else {
        const index = this.indices.get(part)
        if (index) found.set(part, index)
        else if (!ignoreUnavailable) throw this.notFound(part)
      }
    }
    return [...found.values()]
  }

  private shards(count: number): Record<string, number> {
    return { total: count, successful: count, skipped: 0, failed: 0 }
  }

  private writeResult(
    index: Index,
    id: string,
    doc: StoredDoc,
    result: string,
  ): Record<string, unknown> {
    return this.typed({
      _index: index.name,
      _id: id,
      _version: doc.version,
      result,
      _shards: { total: 2, successful: 1, failed: 0 },
      _seq_no: doc.seqNo,
      _primary_term: 1,
    })
  }

  private conflict(index: Index, id: string, version: number): EsError {
    return new EsError(
      409,
      'version_conflict_engine_exception',
      `[${id}]: version conflict, document already exists (current version [${version}])`,
      { index_uuid: index.uuid, shard: '0', index: index.name },
    )
  }

  // ---- cluster ---------------------------------------------------------------------------

  private info(): Record<string, unknown> {
    return {
      name: 'emulator-node',
      cluster_name: this.clusterName,
      cluster_uuid: this.clusterUuid,
      version: INFO_VERSIONS[this.engine],
      tagline:
        this.engine === 'opensearch'
          ? 'The OpenSearch Project: https://opensearch.org/'
          : 'You Know, for Search',
    }
  }

  private health(): Record<string, unknown> {
    const shards = this.indices.size
    return {
      cluster_name: this.clusterName,
      status: 'green',
      timed_out: false,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
      active_primary_shards: shards,
      active_shards: shards,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: 0,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: 100.0,
    }
  }

  // ---- indices ---------------------------------------------------------------------------

  private createIndex(name: string, req: StoreRequest): StoreResponse {
    const existing = this.indices.get(name)
    if (existing) {
      throw new EsError(
        400,
        'resource_already_exists_exception',
        `index [${name}/${existing.uuid}] already exists`,
        {
          index_uuid: existing.uuid,
          index: name,
        },
      )
    }
    const body = this.json(req.body)
    const index = this.ensureIndex(name)
    if (isObject(body)) {
      index.mappings = body.mappings ?? {}
      index.settings = body.settings ?? {}
    }
    return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } }
  }

  private deleteIndex(expression: string): StoreResponse {
    for (const index of this.resolve(expression)) this.indices.delete(index.name)
    return { status: 200, body: { acknowledged: true } }
  }

  private getIndex(expression: string): StoreResponse {
    const body: Record<string, unknown> = {}
    for (const index of this.resolve(expression)) {
      body[index.name] = {
        aliases: {},
        mappings: index.mappings,
        settings: {
          index: {
            creation_date: String(index.created),
            number_of_shards: '1',
            number_of_replicas: '1',
            uuid: index.uuid,
            provided_name: index.name,
          },
        },
      }
    }
    return { status: 200, body }
  }

  private refresh(expression: string | undefined): StoreResponse {
    const count = this.resolve(expression).length
    return { status: 200, body: { _shards: { total: count * 2, successful: count, failed: 0 } } }
  }

  // ---- documents -------------------------------------------------------------------------

  private write(
    name: string,
    id: string,
    req: StoreRequest,
    opType: 'index' | 'create',
  ): StoreResponse {
    const source = this.jsonObject(req.body)
    const index = this.ensureIndex(name)
    const { status, body } = this.put(index, id, source, opType)
    return { status, body }
  }

  private put(
    index: Index,
    id: string,
    source: Source,
    opType: 'index' | 'create',
  ): { status: number; body: Record<string, unknown> } {
    const existing = index.docs.get(id)
    if (existing && opType === 'create') throw this.conflict(index, id, existing.version)
    const doc: StoredDoc = {
      source,
      version: (existing?.version ?? 0) + 1,
      seqNo: index.nextSeqNo++,
    }
    index.docs.set(id, doc)
    return {
      status: existing ? 200 : 201,
      body: this.writeResult(index, id, doc, existing ? 'updated' : 'created'),
    }
  }

  private get(name: string, id: string, head: boolean): StoreResponse {
    const index = this.requireIndex(name)
    const doc = index.docs.get(id)
    if (head) return { status: doc ? 200 : 404 }
    if (!doc) return { status: 404, body: this.typed({ _index: name, _id: id, found: false }) }
    return {
      status: 200,
      body: this.typed({
        _index: name,
        _id: id,
        _version: doc.version,
        _seq_no: doc.seqNo,
        _primary_term: 1,
        found: true,
        _source: doc.source,
      }),
    }
  }

  private deleteDoc(name: string, id: string): StoreResponse {
    const index = this.requireIndex(name)
    const existing = index.docs.get(id)
    const result = this.remove(index, id, existing)
    return { status: existing ? 200 : 404, body: result }
  }

  private remove(
    index: Index,
    id: string,
    existing: StoredDoc | undefined,
  ): Record<string, unknown> {
    index.docs.delete(id)
    const doc = { source: {}, version: (existing?.version ?? 0) + 1, seqNo: index.nextSeqNo++ }
    return this.writeResult(index, id, doc, existing ? 'deleted' : 'not_found')
  }

  private update(name: string, id: string, body: unknown): StoreResponse {
    if (!isObject(body)) {
      throw new EsError(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: script or doc is missing;',
      )
    }
    const index = this.ensureIndex(name)
    return this.applyUpdate(index, id, body)
  }

  private applyUpdate(index: Index, id: string, body: Source): StoreResponse {
    if (body.script !== undefined) {
      throw new EsError(
        400,
        'illegal_argument_exception',
        'scripted updates are not supported by the emulator',
      )
    }
    const patch = body.doc
    if (!isObject(patch)) {
      throw new EsError(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: script or doc is missing;',
      )
    }
    const existing = index.docs.get(id)
    if (!existing) {
      const upsert = body.doc_as_upsert === true ? patch : body.upsert
      if (!isObject(upsert)) {
        throw new EsError(404, 'document_missing_exception', `[${id}]: document missing`, {
          index_uuid: index.uuid,
          shard: '0',
          index: index.name,
        })
      }
      return this.put(index, id, upsert, 'create')
    }
    const merged = deepMerge(existing.source, patch)
    if (body.detect_noop !== false && JSON.stringify(merged) === JSON.stringify(existing.source)) {
      const result = this.writeResult(index, id, existing, 'noop')
      return { status: 200, body: { ...result, _shards: { total: 0, successful: 0, failed: 0 } } }
    }
    return this.put(index, id, merged, 'index')
  }

  // ---- bulk ------------------------------------------------------------------------------

  private bulk(req: StoreRequest, defaultIndex: string | undefined): StoreResponse {
    const lines = Buffer.from(req.body)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
    const items: Record<string, unknown>[] = []
    let errors = false
    for (let i = 0; i < lines.length; i++) {
      let action: unknown
      try {
        action = JSON.parse(lines[i])
      } catch {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [VALUE_STRING]`,
        )
      }
      const op = isObject(action) ? Object.keys(action)[0] : undefined
      const meta = op !== undefined && isObject(action) ? action[op] : undefined
      if (
        op === undefined ||
        !['index', 'create', 'update', 'delete'].includes(op) ||
        !isObject(meta)
      ) {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `Malformed action/metadata line [${i + 1}], expected a simple value for field [${op ?? ''}] but found [START_OBJECT]`,
        )
      }
      const name = typeof meta._index === 'string' ? meta._index : defaultIndex
      if (name === undefined) {
        throw new EsError(
          400,
          'action_request_validation_exception',
          'Validation Failed: 1: index is missing;',
        )
      }
      let source: unknown
      if (op !== 'delete') {
        const line = lines[++i]
        if (line === undefined) {
          throw new EsError(
            400,
            'illegal_argument_exception',
            'The bulk request must be terminated by a newline [\\n]',
          )
        }
        try {
          source = JSON.parse(line)
        } catch {
          source = undefined
        }
      }
      const id = typeof meta._id === 'string' ? meta._id : undefined
      const item = this.bulkItem(op, name, id, source)
      if ((item.status as number) >= 300) errors = true
      items.push({ [op]: item })
    }
    return { status: 200, body: { took: 1, errors, items } }
  }

  private bulkItem(
    op: string,
    name: string,
    id: string | undefined,
    source: unknown,
  ): Record<string, unknown> {
    const docId = id ?? randomBytes(15).toString('base64url')
    try {
      if (op === 'delete' || op === 'update') {
        if (id === undefined) {
          throw new EsError(
            400,
            'action_request_validation_exception',
            'Validation Failed: 1: id is missing;',
          )
        }
      }
      if (op !== 'delete' && !isObject(source)) {
        throw new EsError(400, 'mapper_parsing_exception', 'failed to parse')
      }
      const index = this.ensureIndex(name)
      if (op === 'delete') {
        const existing = index.docs.get(docId)
        return { ...this.remove(index, docId, existing), status: existing ? 200 : 404 }
      }
      const { status, body } =
        op === 'update'
          ? this.applyUpdate(index, docId, source as Source)
          : this.put(index, docId, source as Source, op === 'create' ? 'create' : 'index')
      return { ...(body as Record<string, unknown>), status }
    } catch (err) {
      if (!(err instanceof EsError)) throw err
      const { type, reason, extra } = err
      return this.typed({
        _index: name,
        _id: docId,
        status: err.status,
        error: { type, reason, ...extra },
      })
    }
  }

  // ---- search ----------------------------------------------------------------------------

  private searchBody(req: StoreRequest): Source {
    const body = this.json(req.body)
    if (body === undefined) return {}
    if (!isObject(body))
      throw new EsError(400, 'parsing_exception', 'request body must be an object')
    return body
  }

  private matches(source: Source, id: string, query: unknown): boolean {
    if (!isObject(query))
      throw new EsError(400, 'parsing_exception', 'query malformed, must start with start_object')
    const [type] = Object.keys(query)
    const spec = query[type]
    switch (type) {
      case undefined:
      case 'match_all':
        return true
      case 'match_none':
        return false
      case 'ids': {
        const values = isObject(spec) && Array.isArray(spec.values) ? spec.values : []
        return values.includes(id)
      }
      case 'term':
      case 'match':
      case 'match_phrase':
      case 'prefix':
      case 'wildcard': {
        if (!isObject(spec)) break
        const [field] = Object.keys(spec)
        const raw = spec[field]
        const wanted = isObject(raw) ? (raw.value ?? raw.query) : raw
        const values = field === '_id' ? [id] : fieldValues(source, field)
        if (type === 'term') return values.some((v) => scalarEquals(v, wanted))
        if (type === 'prefix') return values.some((v) => String(v).startsWith(String(wanted)))
        if (type === 'wildcard')
          return values.some((v) => wildcardToRegExp(String(wanted)).test(String(v)))
        const text = values.map((v) => tokens(v).join(' ')).join(' | ')
        if (type === 'match_phrase') return text.includes(tokens(wanted).join(' '))
        const have = new Set(values.flatMap(tokens))
        return tokens(wanted).some((t) => have.has(t))
      }
      case 'terms': {
        if (!isObject(spec)) break
        const [field] = Object.keys(spec)
        const wanted = flatten(spec[field])
        const values = field === '_id' ? [id] : fieldValues(source, field)
        return values.some((v) => wanted.some((w) => scalarEquals(v, w)))
      }
      case 'exists':
        return isObject(spec) && fieldValues(source, String(spec.field)).length > 0
      case 'range': {
        if (!isObject(spec)) break
        const [field] = Object.keys(spec)
        const bounds = spec[field]
        if (!isObject(bounds)) break
        return fieldValues(source, field).some(
          (v) =>
            (bounds.gte === undefined || compareValues(v, bounds.gte) >= 0) &&
            (bounds.gt === undefined || compareValues(v, bounds.gt) > 0) &&
            (bounds.lte === undefined || compareValues(v, bounds.lte) <= 0) &&
            (bounds.lt === undefined || compareValues(v, bounds.lt) < 0),
        )
      }
      case 'bool': {
        if (!isObject(spec)) break
        const list = (key: string): unknown[] => flatten(spec[key])
        const must = [...list('must'), ...list('filter')]
        const should = list('should')
        if (!must.every((q) => this.matches(source, id, q))) return false
        if (list('must_not').some((q) => this.matches(source, id, q))) return false
        return (
          should.length === 0 || must.length > 0 || should.some((q) => this.matches(source, id, q))
        )
      }
      case 'query_string':
      case 'simple_query_string':
        return isObject(spec) && this.matchesQueryString(source, id, String(spec.query ?? '*'))
    }
    throw new EsError(400, 'parsing_exception', `unknown query [${String(type)}]`)
  }

  /** `q=` / query_string, minimal: `*`, `field:value`, or a bare term searched in every field. */
  private matchesQueryString(source: Source, id: string, q: string): boolean {
    const text = q.trim()
    if (text === '' || text === '*' || text === '*:*') return true
    const colon = text.indexOf(':')
    const field = colon > 0 ? text.slice(0, colon) : undefined
    const value = (colon > 0 ? text.slice(colon + 1) : text).replace(/^"(.*)"$/, '$1')
    const values =
      field === undefined ? allStrings(source) : field === '_id' ? [id] : fieldValues(source, field)
    if (value === '*') return values.length > 0
    if (value.includes('*')) {
      const re = wildcardToRegExp(value.toLowerCase())
      return values.some(
        (v) => re.test(String(v).toLowerCase()) || tokens(v).some((t) => re.test(t)),
      )
    }
    const wanted = tokens(value)
    const have = new Set(values.flatMap(tokens))
    return wanted.length > 0 && wanted.every((t) => have.has(t))
  }

  private collect(
    req: StoreRequest,
    expression: string | undefined,
    body: Source,
  ): { hits: Hit[]; indices: Index[] } {
    const indices = this.resolve(expression, req.query.get('ignore_unavailable') === 'true')
    const q = req.query.get('q')
    const hits: Hit[] = []
    for (const index of indices) {
      for (const [id, doc] of index.docs) {
        const ok =
          q !== undefined
            ? this.matchesQueryString(doc.source, id, q)
            : this.matches(doc.source, id, body.query ?? { match_all: {} })
        if (ok) hits.push({ index, id, doc })
      }
    }
    return { hits, indices }
  }

  private sortHits(
    hits: Hit[],
    sort: unknown,
  ): { hits: Hit[]; sorted: Array<{ field: string; desc: boolean }> } {
    const specs: Array<{ field: string; desc: boolean }> = []
    const add = (entry: unknown): void => {
      if (typeof entry === 'string') {
        const [field, order] = entry.split(':')
        specs.push({ field, desc: order === 'desc' })
      } else if (isObject(entry)) {
        for (const [field, how] of Object.entries(entry)) {
          const order = isObject(how) ? how.order : how
          specs.push({ field, desc: order === 'desc' })
        }
      }
    }
    for (const entry of flatten(sort)) add(entry)
    const keyed = specs.filter((s) => s.field !== '_doc' && s.field !== '_score')
    if (keyed.length === 0) return { hits, sorted: specs }
    const value = (hit: Hit, field: string): unknown =>
      field === '_id' ? hit.id : fieldValues(hit.doc.source, field)[0]
    const out = [...hits].sort((a, b) => {
      for (const { field, desc } of keyed) {
        const c = compareValues(value(a, field), value(b, field))
        if (c !== 0) return desc ? -c : c
      }
      return 0
    })
    return { hits: out, sorted: specs }
  }

  private hitBody(
    hit: Hit,
    sorted: Array<{ field: string; desc: boolean }>,
    sourceWanted: boolean,
  ): Record<string, unknown> {
    const body: Record<string, unknown> = {
      _index: hit.index.name,
      _id: hit.id,
      _score: sorted.length > 0 ? null : 1.0,
    }
    if (sourceWanted) body._source = hit.doc.source
    if (sorted.length > 0) {
      body.sort = sorted.map(({ field }) =>
        field === '_id'
          ? hit.id
          : field === '_doc'
            ? hit.doc.seqNo
            : (fieldValues(hit.doc.source, field)[0] ?? null),
      )
    }
    return this.typed(body)
  }

  private searchResponse(
    page: Hit[],
    total: number,
    shards: number,
    sorted: Array<{ field: string; desc: boolean }>,
    sourceWanted: boolean,
    totalAsInt: boolean,
    scrollId?: string,
  ): Record<string, unknown> {
    const hits = page.map((h) => this.hitBody(h, sorted, sourceWanted))
    return {
      ...(scrollId !== undefined ? { _scroll_id: scrollId } : {}),
      took: 1,
      timed_out: false,
      _shards: this.shards(shards),
      hits: {
        total: totalAsInt ? total : { value: total, relation: 'eq' },
        max_score: page.length > 0 && sorted.length === 0 ? 1.0 : null,
        hits,
      },
    }
  }

  private search(req: StoreRequest, expression: string | undefined): StoreResponse {
    const body = this.searchBody(req)
    const { hits, indices } = this.collect(req, expression, body)
    const sort = body.sort ?? req.query.get('sort')?.split(',')
    const { hits: ordered, sorted } = this.sortHits(hits, sort)
    const from = Number(req.query.get('from') ?? body.from ?? 0)
    const size = Number(req.query.get('size') ?? body.size ?? 10)
    const sourceWanted = body._source !== false && req.query.get('_source') !== 'false'
    const totalAsInt = req.query.get('rest_total_hits_as_int') === 'true'
    let scrollId: string | undefined
    if (req.query.has('scroll')) {
      scrollId = Buffer.from(`scroll:${randomUUID()}`).toString('base64url')
      this.scrolls.set(scrollId, {
        hits: ordered,
        position: from + size,
        size,
        total: ordered.length,
        shards: indices.length,
      })
    }
    const page = ordered.slice(from, from + size)
    return {
      status: 200,
      body: this.searchResponse(
        page,
        ordered.length,
        indices.length,
        sorted,
        sourceWanted,
        totalAsInt,
        scrollId,
      ),
    }
  }

  private scrollIds(req: StoreRequest, pathId: string | undefined): string[] {
    if (pathId !== undefined) return pathId.split(',')
    const fromQuery = req.query.get('scroll_id')
    if (fromQuery !== undefined) return fromQuery.split(',')
    let body: unknown
    try {
      body = this.json(req.body)
    } catch {
      body = undefined
    }
    if (isObject(body)) return flatten(body.scroll_id).map(String)
    // The old form: the scroll id as a plain-text body.
    if (typeof body === 'string') return [body]
    const text = Buffer.from(req.body).toString('utf8').trim()
    return text === '' ? [] : [text]
  }

  private scroll(req: StoreRequest, pathId: string | undefined): StoreResponse {
    const [id] = this.scrollIds(req, pathId)
    const context = id === undefined ? undefined : this.scrolls.get(id)
    if (!context || id === undefined) {
      throw new EsError(
        404,
        'search_context_missing_exception',
        `No search context found for id [${id ?? ''}]`,
      )
    }
    const page = context.hits.slice(context.position, context.position + context.size)
    context.position += context.size
    const totalAsInt = req.query.get('rest_total_hits_as_int') === 'true'
    return {
      status: 200,
      body: this.searchResponse(page, context.total, context.shards, [], true, totalAsInt, id),
    }
  }

  private clearScroll(req: StoreRequest, pathId: string | undefined): StoreResponse {
    const ids = this.scrollIds(req, pathId)
    let freed = 0
    if (ids.includes('_all')) {
      freed = this.scrolls.size
      this.scrolls.clear()
    } else {
      for (const id of ids) if (this.scrolls.delete(id)) freed++
    }
    return {
      status: freed > 0 || ids.length === 0 ? 200 : 404,
      body: { succeeded: true, num_freed: freed },
    }
  }

  private count(req: StoreRequest, expression: string | undefined): StoreResponse {
    const body = this.searchBody(req)
    const { hits, indices } = this.collect(req, expression, body)
    return { status: 200, body: { count: hits.length, _shards: this.shards(indices.length) } }
  }
}
