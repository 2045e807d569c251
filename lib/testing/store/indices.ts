/** The store's indices: creating, resolving index expressions, and the index APIs. */
import { randomBytes } from 'node:crypto'
import { EsError } from './errors'
import { isObject, readJson } from './json'
import { fieldsOf } from './mappings'
import { wildcardToRegExp } from './query'
import type { Index, StoreRequest, StoreResponse } from './types'

const FORBIDDEN_INDEX_CHARS = /[\\/*?"<>| ,#:]/

/** `_shards` of a response over `count` indices (one primary each). */
export function shards(count: number): Record<string, number> {
  return { total: count, successful: count, skipped: 0, failed: 0 }
}

export class Indices {
  readonly #indices = new Map<string, Index>()

  get size(): number {
    return this.#indices.size
  }

  get(name: string): Index | undefined {
    return this.#indices.get(name)
  }

  has(name: string): boolean {
    return this.#indices.has(name)
  }

  names(): string[] {
    return [...this.#indices.keys()].sort()
  }

  clear(): void {
    this.#indices.clear()
  }

  /** The index, or Elasticsearch's 404. */
  require(name: string): Index {
    const index = this.#indices.get(name)
    if (!index) throw notFound(name)
    return index
  }

  /** The index, created (as a write to a missing index does) when it does not exist. */
  ensure(name: string): Index {
    const existing = this.#indices.get(name)
    if (existing) return existing
    validateIndexName(name)
    const index: Index = {
      name,
      uuid: randomBytes(16).toString('base64url').slice(0, 22),
      created: Date.now(),
      docs: new Map(),
      nextSeqNo: 0,
      mappings: {},
      fields: new Map(),
      settings: {},
    }
    this.#indices.set(name, index)
    return index
  }

  /** Index names an expression (comma list, `*` patterns, `_all`) stands for. */
  resolve(expression: string | undefined, ignoreUnavailable = false): Index[] {
    if (expression === undefined || expression === '' || expression === '_all') {
      return [...this.#indices.values()]
    }
    const found = new Map<string, Index>()
    for (const part of expression.split(',')) {
      if (part.includes('*')) {
        const re = wildcardToRegExp(part)
        for (const index of this.#indices.values())
          if (re.test(index.name)) found.set(index.name, index)
      } else {
        // A name the engine could never have created is refused, not looked up.
        if (part.startsWith('_')) throw invalidName(part, "must not start with '_'.")
        const index = this.#indices.get(part)
        if (index) found.set(part, index)
        else if (!ignoreUnavailable) throw notFound(part)
      }
    }
    return [...found.values()]
  }

  create(name: string, req: StoreRequest): StoreResponse {
    const existing = this.#indices.get(name)
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
    const body = readJson(req.body)
    const index = this.ensure(name)
    if (isObject(body)) {
      index.mappings = body.mappings ?? {}
      index.fields = fieldsOf(index.mappings)
      index.settings = body.settings ?? {}
    }
    return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } }
  }

  delete(expression: string): StoreResponse {
    for (const index of this.resolve(expression)) this.#indices.delete(index.name)
    return { status: 200, body: { acknowledged: true } }
  }

  describe(expression: string): StoreResponse {
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

  /**
   * `GET _cat/indices[/<expression>]`: one line per index, as Elasticsearch prints it (`v` adds
   * the header line), or `format=json` for the same as objects of strings. Sorted by name.
   */
  cat(expression: string | undefined, query: ReadonlyMap<string, string>): StoreResponse {
    const indices = this.resolve(expression).sort((a, b) => (a.name < b.name ? -1 : 1))
    const rows = indices.map((index): Record<CatColumn, string> => {
      const bytes = [...index.docs.values()].reduce(
        (sum, doc) => sum + Buffer.byteLength(JSON.stringify(doc.source)),
        0,
      )
      return {
        health: 'green',
        status: 'open',
        index: index.name,
        uuid: index.uuid,
        pri: '1',
        rep: '1',
        'docs.count': String(index.docs.size),
        'docs.deleted': '0',
        'store.size': `${bytes * 2}b`,
        'pri.store.size': `${bytes}b`,
      }
    })
    if (query.get('format') === 'json') return { status: 200, body: rows }
    const lines = rows.map((row) => CAT_COLUMNS.map((column) => row[column]))
    if (query.has('v')) lines.unshift([...CAT_COLUMNS])
    const widths = CAT_COLUMNS.map((_, i) => Math.max(...lines.map((line) => line[i].length)))
    const text = lines.map((line) => line.map((cell, i) => cell.padEnd(widths[i])).join(' '))
    return { status: 200, text: text.map((line) => `${line.trimEnd()}\n`).join('') }
  }

  refresh(expression: string | undefined): StoreResponse {
    const count = this.resolve(expression).length
    return { status: 200, body: { _shards: { total: count * 2, successful: count, failed: 0 } } }
  }
}

/** The columns of `_cat/indices`, in Elasticsearch's order. */
const CAT_COLUMNS = [
  'health',
  'status',
  'index',
  'uuid',
  'pri',
  'rep',
  'docs.count',
  'docs.deleted',
  'store.size',
  'pri.store.size',
] as const
type CatColumn = (typeof CAT_COLUMNS)[number]

function notFound(index: string): EsError {
  return new EsError(404, 'index_not_found_exception', `no such index [${index}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  })
}

function validateIndexName(name: string): void {
  let problem: string | undefined
  if (name !== name.toLowerCase()) problem = 'must be lowercase'
  else if (/^[-_+]/.test(name)) problem = "must not start with '_', '-', or '+'"
  else if (FORBIDDEN_INDEX_CHARS.test(name)) {
    problem = 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'
  }
  if (problem) throw invalidName(name, problem)
}

function invalidName(name: string, problem: string): EsError {
  return new EsError(
    400,
    'invalid_index_name_exception',
    `Invalid index name [${name}], ${problem}`,
    {
      index: name,
      index_uuid: '_na_',
    },
  )
}
