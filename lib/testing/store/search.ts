/** Search, count and scroll over the store's indices. Writes are visible at once; scores are 1. */
import { randomUUID } from 'node:crypto'
import { withDocType, type Engine } from './engines'
import { EsError } from './errors'
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
import type { Hit, Index, Source, StoreRequest, StoreResponse } from './types'

interface ScrollContext {
  hits: Hit[]
  position: number
  size: number
  total: number
  shards: number
}

type SortSpec = Array<{ field: string; desc: boolean }>

export class Search {
  readonly #scrolls = new Map<string, ScrollContext>()

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
      scrollId = Buffer.from(`scroll:${randomUUID()}`).toString('base64url')
      this.#scrolls.set(scrollId, {
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
    const context = id === undefined ? undefined : this.#scrolls.get(id)
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

  clearScroll(req: StoreRequest, pathId: string | undefined): StoreResponse {
    const ids = this.scrollIds(req, pathId)
    let freed = 0
    if (ids.includes('_all')) {
      freed = this.#scrolls.size
      this.#scrolls.clear()
    } else {
      for (const id of ids) if (this.#scrolls.delete(id)) freed++
    }
    return {
      status: freed > 0 || ids.length === 0 ? 200 : 404,
      body: { succeeded: true, num_freed: freed },
    }
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

/** `q=`'s companions: `df` (the field a clause without one searches) and `default_operator`. */
function uriSearchOptions(req: StoreRequest): QueryStringMatchOptions {
  const df = req.query.get('df')
  const operator = req.query.get('default_operator')?.toUpperCase()
  return {
    ...(operator === 'AND' ? { defaultOperator: 'AND' as const } : {}),
    ...(df === undefined ? {} : { defaultFields: [df] }),
  }
}
