/**
 * Field types, as an OpenSearch index holds them: the mappings an index was created with, the
 * fields dynamic mapping adds on first sight (whole numbers `long`, others `float`, strings
 * `text` with a `keyword` sub-field or `date` when they read as one, `boolean`, objects), and
 * the 400 `mapper_parsing_exception` a value of the wrong type gets (with the engine's
 * defaults: numbers coerced from strings, out-of-range whole numbers refused). Types without a
 * check here (ip, geo_point, nested, ...) accept any value.
 */
import { EsError } from './errors'
import { isObject } from './json'
import type { Index, Source } from './types'

/** Whole-number types and their range; `long` is not range-checked (beyond a double's). */
const WHOLE: Record<string, [number, number, string] | undefined> = {
  byte: [-128, 127, 'Java byte'],
  short: [-32768, 32767, 'Java short'],
  integer: [-2147483648, 2147483647, 'int (-2147483648 - 2147483647)'],
  long: undefined,
}
const FRACTIONAL = new Set(['float', 'double', 'half_float', 'scaled_float'])
const STRING_TYPES = new Set(['text', 'keyword', 'wildcard', 'match_only_text'])
/** strict_date_optional_time, the default date format (with epoch_millis). */
const DATE =
  /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}([.,]\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?$/
/** What dynamic date detection takes for a date: at least a full day. */
const DYNAMIC_DATE = /^\d{4}-\d{2}-\d{2}(T|$)/
const NUMERIC_STRING = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/

/** The field map of explicit mappings (`{ properties: ... }`), by dotted path. */
export function fieldsOf(mappings: unknown): Map<string, string> {
  const fields = new Map<string, string>()
  const walk = (properties: unknown, prefix: string): void => {
    if (!isObject(properties)) return
    for (const [name, spec] of Object.entries(properties)) {
      if (!isObject(spec)) continue
      const path = prefix + name
      if (isObject(spec.properties) && spec.type === undefined) {
        fields.set(path, 'object')
        walk(spec.properties, `${path}.`)
      } else {
        fields.set(path, typeof spec.type === 'string' ? spec.type : 'object')
        if (spec.type === 'object' || spec.type === 'nested') walk(spec.properties, `${path}.`)
      }
    }
  }
  if (isObject(mappings)) walk(mappings.properties, '')
  return fields
}

/**
 * Checks a document against the index's field types and maps its new fields, as indexing it
 * would: throws the engine's 400 for a value its field cannot take, and changes nothing then.
 */
export function mapDocument(index: Index, id: string, source: Source): void {
  const added = new Map<string, string>()
  const typeOf = (path: string): string | undefined => index.fields.get(path) ?? added.get(path)

  const visit = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return
    if (Array.isArray(value)) {
      for (const item of value) visit(item, path)
      return
    }
    const type = typeOf(path) ?? dynamicType(value)
    if (type === undefined) return
    if (!index.fields.has(path) && !added.has(path)) added.set(path, type)
    if (type === 'object' || type === 'nested') {
      if (!isObject(value)) {
        throw new EsError(
          400,
          'mapper_parsing_exception',
          `object mapping for [${path}] tried to parse field [${path}] as object, but found a concrete value`,
        )
      }
      for (const [key, inner] of Object.entries(value)) visit(inner, `${path}.${key}`)
      return
    }
    const problem = valueProblem(type, value)
    if (problem !== undefined) {
      throw new EsError(
        400,
        'mapper_parsing_exception',
        `failed to parse field [${path}] of type [${type}] in document with id '${id}'. ` +
          `Preview of field's value: '${preview(value)}'`,
        { caused_by: problem },
      )
    }
  }
  for (const [key, value] of Object.entries(source)) visit(value, key)
  if (added.size > 0) addToMappings(index, added)
}

/** The type dynamic mapping gives a field first seen with this value. */
function dynamicType(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'float'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'string')
    return DYNAMIC_DATE.test(value) && DATE.test(value) ? 'date' : 'text'
  if (isObject(value)) return 'object'
  return undefined
}

/** Why a value does not fit a field of this type (the `caused_by`), or undefined if it does. */
function valueProblem(type: string, value: unknown): Record<string, unknown> | undefined {
  if (type in WHOLE || FRACTIONAL.has(type)) return numberProblem(type, value)
  if (type === 'boolean') {
    if (typeof value === 'boolean' || value === 'true' || value === 'false' || value === '') {
      return undefined
    }
    if (typeof value === 'string') {
      return {
        type: 'illegal_argument_exception',
        reason: `Failed to parse value [${value}] as only [true] or [false] are allowed.`,
      }
    }
    return {
      type: 'json_parse_exception',
      reason: `Current token (${token(value)}) not of boolean type`,
    }
  }
  if (STRING_TYPES.has(type)) {
    return isObject(value)
      ? { type: 'illegal_state_exception', reason: "Can't get text on a START_OBJECT" }
      : undefined
  }
  if (type === 'date') {
    if (
      typeof value === 'number' ||
      (typeof value === 'string' && (DATE.test(value) || /^-?\d+$/.test(value)))
    ) {
      return undefined
    }
    return {
      type: 'illegal_argument_exception',
      reason: `failed to parse date field [${preview(value)}] with format [strict_date_optional_time||epoch_millis]`,
      caused_by: {
        type: 'date_time_parse_exception',
        reason: 'Failed to parse with all enclosed parsers',
      },
    }
  }
  return undefined
}

function numberProblem(type: string, value: unknown): Record<string, string> | undefined {
  if (typeof value === 'string' && value.trim() === '') return undefined // coerced to null
  if (typeof value === 'string' && !NUMERIC_STRING.test(value)) {
    return {
      // Java's Long.parseLong wraps its NumberFormatException; the others surface it.
      type: type === 'long' ? 'illegal_argument_exception' : 'number_format_exception',
      reason: `For input string: "${value}"`,
    }
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    return {
      type: 'json_parse_exception',
      reason: `Current token (${token(value)}) not numeric, can not use numeric value accessors`,
    }
  }
  const range = WHOLE[type]
  const n = Number(value)
  if (range !== undefined && (n < range[0] || n > range[1])) {
    return {
      type: 'input_coercion_exception',
      reason: `Numeric value (${String(value)}) out of range of ${range[2]}`,
    }
  }
  return undefined
}

/** The JSON token a value starts with, as the engine's parser names it. */
function token(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE'
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT'
  if (isObject(value)) return 'START_OBJECT'
  return 'VALUE_STRING'
}

/** A value as the engine previews it: Java's `Map.toString` for objects. */
function preview(value: unknown): string {
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${preview(v)}`)
      .join(', ')}}`
  }
  if (Array.isArray(value)) return `[${value.map(preview).join(', ')}]`
  return String(value)
}

/** Records dynamically mapped fields in the index's mappings, as `GET /<index>` shows them. */
function addToMappings(index: Index, added: Map<string, string>): void {
  const root = isObject(index.mappings) ? index.mappings : {}
  index.mappings = root
  for (const [path, type] of added) {
    index.fields.set(path, type)
    let properties = (root.properties ??= {}) as Record<string, unknown>
    const parts = path.split('.')
    for (const part of parts.slice(0, -1)) {
      const parent = (properties[part] ??= { properties: {} }) as Record<string, unknown>
      properties = (parent.properties ??= {}) as Record<string, unknown>
    }
    const name = parts[parts.length - 1]
    properties[name] =
      type === 'object'
        ? { properties: {} }
        : type === 'text'
          ? { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } }
          : { type }
  }
}
