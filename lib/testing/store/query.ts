/**
 * Query matching, pure: whether a document's source matches a query DSL object or a `q=`
 * string, and the field helpers search and sort use. Scores are not computed.
 */
import { EsError } from './errors'
import { isObject } from './json'
import type { Source } from './types'

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

export function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`)
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
      if (!must.every((q) => matches(source, id, q))) return false
      if (list('must_not').some((q) => matches(source, id, q))) return false
      return should.length === 0 || must.length > 0 || should.some((q) => matches(source, id, q))
    }
    case 'query_string':
    case 'simple_query_string':
      return isObject(spec) && matchesQueryString(source, id, String(spec.query ?? '*'))
  }
  throw new EsError(400, 'parsing_exception', `unknown query [${String(type)}]`)
}

/** `q=` / query_string, minimal: `*`, `field:value`, or a bare term searched in every field. */
export function matchesQueryString(source: Source, id: string, q: string): boolean {
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
    return values.some((v) => re.test(String(v).toLowerCase()) || tokens(v).some((t) => re.test(t)))
  }
  const wanted = tokens(value)
  const have = new Set(values.flatMap(tokens))
  return wanted.length > 0 && wanted.every((t) => have.has(t))
}
