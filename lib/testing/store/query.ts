/**
 * Query matching, pure: whether a document's source matches a query DSL object or a `q=`
 * string, and the field helpers search and sort use. Scores are not computed.
 */
import { EsError } from './errors'
import { isObject } from './json'
import { parseQueryString, type QueryNode, type QueryStringOptions } from './query-string'
import type { Source } from './types'
import { wildcardMatcher, type WildcardMatcher } from './wildcard'

/** Values at a dotted path, arrays flattened; `.keyword` sub-fields read as the field itself. */
export function fieldValues(source: unknown, path: string): unknown[] {
  const clean = path.endsWith('.keyword') ? path.slice(0, -'.keyword'.length) : path
  if (isObject(source) && clean in source) return flatten(source[clean])
  const dot = clean.indexOf('.')
  if (dot < 0 || !isObject(source)) return []
  const head = source[clean.slice(0, dot)]
  const rest = clean.slice(dot + 1)
  return flatten(head).flatMap((v) => fieldValues(v, rest))
}

export function flatten(value: unknown): unknown[] {
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

/** A whole-value pattern where only `*` is special (index patterns); no backtracking. */
export function wildcardToRegExp(pattern: string): WildcardMatcher {
  return wildcardMatcher(pattern)
}

export function compareValues(a: unknown, b: unknown): number {
  if (a === undefined && b === undefined) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const left = String(a)
  const right = String(b)
  return left < right ? -1 : left > right ? 1 : 0
}

/** Whether the document matches a query DSL object (a minimal subset of it). */
export function matches(source: Source, id: string, query: unknown): boolean {
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
      if (type === 'wildcard') {
        const matcher = wildcardMatcher(String(wanted), { questionMark: true })
        return values.some((v) => matcher.test(String(v)))
      }
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
      if (!must.every((q) => matches(source, id, q))) return false
      if (list('must_not').some((q) => matches(source, id, q))) return false
      return should.length === 0 || must.length > 0 || should.some((q) => matches(source, id, q))
    }
    case 'query_string':
    case 'simple_query_string':
      return (
        isObject(spec) &&
        matchesQueryString(source, id, String(spec.query ?? '*'), queryStringOptions(spec))
      )
  }
  throw new EsError(400, 'parsing_exception', `unknown query [${String(type)}]`)
}

/** What a `query_string` query's own options say: `default_operator`, `default_field`, `fields`. */
export function queryStringOptions(spec: Record<string, unknown>): QueryStringMatchOptions {
  const operator = String(spec.default_operator ?? 'OR').toUpperCase()
  const fields = Array.isArray(spec.fields)
    ? spec.fields.map(String)
    : typeof spec.default_field === 'string'
      ? [spec.default_field]
      : undefined
  return {
    ...(operator === 'AND' ? { defaultOperator: 'AND' as const } : {}),
    ...(fields === undefined ? {} : { defaultFields: fields }),
  }
}

export interface QueryStringMatchOptions extends QueryStringOptions {
  /** Fields a clause without one searches (`df`, `default_field`, `fields`); default: every field. */
  defaultFields?: readonly string[]
}

/** Parsed queries, by options and text: a search parses its query once, not per document. */
const parsed = new Map<string, QueryNode>()
const PARSED_KEPT = 256

/** Parses `q` (cached); throws EsError 400 for what it cannot run. */
export function compileQueryString(q: string, options: QueryStringMatchOptions = {}): QueryNode {
  const key = `${options.defaultOperator ?? 'OR'}\u0000${q}`
  let node = parsed.get(key)
  if (node === undefined) {
    node = parseQueryString(q, options)
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value as string)
    parsed.set(key, node)
  }
  return node
}

/**
 * Parses every `query_string` / `simple_query_string` in a query DSL object, so that one the
 * emulator cannot run is refused before any document is looked at. Walks at most 10,000 nodes.
 */
export function compileQueryStrings(query: unknown): void {
  const pending: unknown[] = [query]
  for (let seen = 0; pending.length > 0 && seen < 10_000; seen++) {
    const node = pending.pop()
    if (Array.isArray(node)) {
      for (const item of node) pending.push(item)
      continue
    }
    if (!isObject(node)) continue
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'query_string' || key === 'simple_query_string') && isObject(value)) {
        compileQueryString(String(value.query ?? '*'), queryStringOptions(value))
      } else pending.push(value)
    }
  }
}

/** `q=` and the query_string query: see query-string.ts for the syntax supported. */
export function matchesQueryString(
  source: Source,
  id: string,
  q: string,
  options: QueryStringMatchOptions = {},
): boolean {
  return matchesNode(compileQueryString(q, options), source, id, options.defaultFields)
}

/** Whether a document matches a parsed query_string. */
export function matchesNode(
  node: QueryNode,
  source: Source,
  id: string,
  defaultFields: readonly string[] | undefined,
): boolean {
  const valuesOf = (field: string | undefined): unknown[] => {
    if (field === '_id') return [id]
    if (field !== undefined) return fieldValues(source, field)
    if (defaultFields === undefined || defaultFields.includes('*')) return allStrings(source)
    return defaultFields.flatMap((f) => (f === '_id' ? [id] : fieldValues(source, f)))
  }
  switch (node.kind) {
    case 'all':
      return true
    case 'exists':
      return valuesOf(node.field).length > 0
    case 'phrase': {
      const wanted = ` ${tokens(node.text).join(' ')} `
      return (
        wanted !== '  ' &&
        valuesOf(node.field).some((v) => ` ${tokens(v).join(' ')} `.includes(wanted))
      )
    }
    case 'term': {
      const values = valuesOf(node.field)
      const { wildcard } = node
      if (wildcard !== undefined) {
        return values.some(
          (v) => wildcard.test(String(v).toLowerCase()) || tokens(v).some((t) => wildcard.test(t)),
        )
      }
      const wanted = tokens(node.text)
      const have = new Set(values.flatMap(tokens))
      return wanted.length > 0 && wanted.every((t) => have.has(t))
    }
    case 'bool': {
      let should = 0
      let shouldMatched = false
      let must = 0
      for (const { occur, node: clause } of node.clauses) {
        if (occur === 'must_not') {
          if (matchesNode(clause, source, id, defaultFields)) return false
        } else if (occur === 'must') {
          must++
          if (!matchesNode(clause, source, id, defaultFields)) return false
        } else {
          should++
          shouldMatched ||= matchesNode(clause, source, id, defaultFields)
        }
      }
      // Only prohibited clauses: everything else, as Elasticsearch's query_string fixes it.
      return must > 0 || should === 0 || shouldMatched
    }
  }
}
