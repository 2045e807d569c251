/** Search, count and scroll over the store's indices. Writes are visible at once; scores are 1. */
import { randomUUID } from 'node:crypto'
import { withDocType, type Engine } from './engines'
import { EsError, esErrorBody } from './errors'
import { shards, type Indices } from './indices'
import { isObject, readJson } from './json'
import {
  compareValues,
  compileQueryString,
  compileQueryStrings,
  fieldValues,
  flatten,
  matches,
  matchesNode,
  type QueryStringMatchOptions,
} from './query'
import { queryStringProblem, type QueryProblem } from './query-syntax'
import type { Hit, Index, Source, StoreRequest, StoreResponse } from './types'

interface ScrollContext {
  /** The number the engine names a search context by in its errors. */
  number: number
  hits: Hit[]
  position: number
  size: number
  total: number
  shards: number
}

type SortSpec = Array<{ field: string; desc: boolean }>

/** Scroll ids the store hands out: `scroll:<number>:<uuid>`, base64url-encoded. */
const SCROLL_ID = /^scroll:(\d+):[0-9a-f-]{36}$/

export class Search {
  readonly #scrolls = new Map<string, ScrollContext>()
  #nextContext = 1

  constructor(
    private readonly indices: Indices,
    private readonly engine: Engine,
  ) {}

  /** Drops every scroll context. */
  clear(): void {
    this.#scrolls.clear()
  }

  search(req: StoreRequest, expression: string | undefined): StoreResponse {
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
      const number = this.#nextContext++
      scrollId = Buffer.from(`scroll:${number}:${randomUUID()}`).toString('base64url')
      this.#scrolls.set(scrollId, {
        number,
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
      body = readJson(req.body)
    } catch {
      body = undefined
    }
    if (isObject(body)) return flatten(body.scroll_id).map(String)
    // The old form: the scroll id as a plain-text body.
    if (typeof body === 'string') return [body]
    const text = Buffer.from(req.body).toString('utf8').trim()
    return text === '' ? [] : [text]
  }

  scroll(req: StoreRequest, pathId: string | undefined): StoreResponse {
    const [id] = this.scrollIds(req, pathId)
    if (id === undefined) {
      throw new EsError(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: scrollId is missing;',
      )
    }
    const number = scrollNumber(id)
    const context = this.#scrolls.get(id)
    if (!context) {
      // A scroll id of the right form whose context is gone: the engine's search-phase 404.
      const missing = {
        type: 'search_context_missing_exception',
        reason: `No search context found for id [${number}]`,
      }
      throw new EsError(
        404,
        'search_phase_execution_exception',
        'all shards failed',
        {
          phase: 'query',
          grouped: true,
          failed_shards: [{ shard: -1, index: null, reason: missing }],
          caused_by: missing,
        },
        [missing],
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

  clearScroll(req: StoreRequest, pathId: string | undefined): StoreResponse {
    const ids = this.scrollIds(req, pathId)
    if (ids.length === 0) {
      throw new EsError(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: no scroll ids specified;',
      )
    }
    let freed = 0
    if (ids.includes('_all')) {
      freed = this.#scrolls.size
      this.#scrolls.clear()
    } else {
      for (const id of ids) scrollNumber(id)
      for (const id of ids) if (this.#scrolls.delete(id)) freed++
    }
    return { status: freed > 0 ? 200 : 404, body: { succeeded: true, num_freed: freed } }
  }

  /**
   * `_msearch`: NDJSON pairs of a header (`index`) and a search body, each searched as
   * `_search` would; one that fails answers its error and status in its place.
   */
  msearch(req: StoreRequest, defaultIndex: string | undefined): StoreResponse {
    const lines = Buffer.from(req.body)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
    if (lines.length === 0) {
      throw new EsError(400, 'parse_exception', 'request body or source parameter is required')
    }
    const responses: unknown[] = []
    for (let i = 0; i < lines.length; i += 2) {
      const header = parseLine(lines[i], i)
      const body = lines[i + 1] === undefined ? {} : parseLine(lines[i + 1], i + 1)
      const named = flatten(header.index).map(String)
      const expression = named.length > 0 ? named.join(',') : defaultIndex
      const one: StoreRequest = {
        method: 'POST',
        segments: [],
        query: new Map(),
        body: Buffer.from(JSON.stringify(body)),
      }
      try {
        const answer = this.search(one, expression)
        responses.push({ ...(answer.body as Record<string, unknown>), status: answer.status })
      } catch (err) {
        if (!(err instanceof EsError)) throw err
        responses.push({
          ...esErrorBody(err.status, err.type, err.reason, err.extra, err.rootCauses),
        })
      }
    }
    return { status: 200, body: { took: 1, responses } }
  }

  count(req: StoreRequest, expression: string | undefined): StoreResponse {
    const body = this.searchBody(req)
    const { hits, indices } = this.collect(req, expression, body)
    return { status: 200, body: { count: hits.length, _shards: shards(indices.length) } }
  }

  private searchBody(req: StoreRequest): Source {
    const body = readJson(req.body)
    if (body === undefined) return {}
    if (!isObject(body))
      throw new EsError(400, 'parsing_exception', 'request body must be an object')
    return body
  }

  private collect(
    req: StoreRequest,
    expression: string | undefined,
    body: Source,
  ): { hits: Hit[]; indices: Index[] } {
    const indices = this.indices.resolve(expression, req.query.get('ignore_unavailable') === 'true')
    const q = req.query.get('q')
    // What Lucene's syntax refuses is the engine's own 400; what parses but the store cannot
    // run is query.ts's 400, naming it.
    const problem = q === undefined ? undefined : queryStringProblem(q)
    if (problem !== undefined && indices.length > 0) throw queryParseFailure(indices, q!, problem)
    const query = body.query ?? { match_all: {} }
    // Parsed before any document is looked at: a query it cannot run is a 400, index empty or not.
    const options = q === undefined ? undefined : uriSearchOptions(req)
    const compiled = q === undefined ? undefined : compileQueryString(q, options)
    if (compiled === undefined) compileQueryStrings(query)
    const hits: Hit[] = []
    for (const index of indices) {
      for (const [id, doc] of index.docs) {
        const ok =
          compiled !== undefined
            ? matchesNode(compiled, doc.source, id, options?.defaultFields)
            : matches(doc.source, id, query)
        if (ok) hits.push({ index, id, doc })
      }
    }
    return { hits, indices }
  }

  private sortHits(hits: Hit[], sort: unknown): { hits: Hit[]; sorted: SortSpec } {
    const specs: SortSpec = []
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

  private hitBody(hit: Hit, sorted: SortSpec, sourceWanted: boolean): Record<string, unknown> {
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
    return withDocType(this.engine, body)
  }

  private searchResponse(
    page: Hit[],
    total: number,
    indexCount: number,
    sorted: SortSpec,
    sourceWanted: boolean,
    totalAsInt: boolean,
    scrollId?: string,
  ): Record<string, unknown> {
    const hits = page.map((h) => this.hitBody(h, sorted, sourceWanted))
    return {
      ...(scrollId !== undefined ? { _scroll_id: scrollId } : {}),
      took: 1,
      timed_out: false,
      _shards: shards(indexCount),
      hits: {
        total: totalAsInt ? total : { value: total, relation: 'eq' },
        max_score: page.length > 0 && sorted.length === 0 ? 1.0 : null,
        hits,
      },
    }
  }
}

/** The number inside a scroll id of the store's form; the engine's 400 for any other. */
function scrollNumber(id: string): number {
  const match = SCROLL_ID.exec(Buffer.from(id, 'base64url').toString('latin1'))
  if (match === null || Buffer.from(id, 'base64url').toString('base64url') !== id) {
    throw new EsError(400, 'illegal_argument_exception', 'Cannot parse scroll id')
  }
  return Number(match[1])
}

/** The node id the store's search errors name, as a real node's would be. */
const NODE_ID = 'emulatorNode0000000000'

/**
 * A `q` that does not parse: each index's shard fails with `query_shard_exception` around
 * Lucene's `parse_exception`, and the search with `search_phase_execution_exception`.
 */
function queryParseFailure(indices: Index[], q: string, problem: QueryProblem): EsError {
  const parse = {
    type: 'parse_exception',
    reason: `Cannot parse '${q}': ${problem.message}`,
    caused_by: { type: problem.type, reason: problem.message },
  }
  const shardCause = (index: Index): Record<string, unknown> => ({
    type: 'query_shard_exception',
    reason: `Failed to parse query [${q}]`,
    index: index.name,
    index_uuid: index.uuid,
  })
  return new EsError(
    400,
    'search_phase_execution_exception',
    'all shards failed',
    {
      phase: 'query',
      grouped: true,
      failed_shards: indices.map((index) => ({
        shard: 0,
        index: index.name,
        node: NODE_ID,
        reason: { ...shardCause(index), caused_by: parse },
      })),
      caused_by: { ...shardCause(indices[0]), caused_by: parse },
    },
    indices.map(shardCause),
  )
}

/** One NDJSON line of `_msearch` as an object. */
function parseLine(line: string, index: number): Source {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    parsed = undefined
  }
  if (!isObject(parsed)) {
    throw new EsError(400, 'parsing_exception', `msearch line [${index + 1}] is not a JSON object`)
  }
  return parsed
}

/** `q=`'s companions: `df` (the field a clause without one searches) and `default_operator`. */
function uriSearchOptions(req: StoreRequest): QueryStringMatchOptions {
  const df = req.query.get('df')
  const operator = req.query.get('default_operator')?.toUpperCase()
  return {
    ...(operator === 'AND' ? { defaultOperator: 'AND' as const } : {}),
    ...(df === undefined ? {} : { defaultFields: [df] }),
  }
}
