/**
 * The limits the engines put on what they are sent, so that no body can exhaust the emulator:
 * JSON nested deeper than their parser takes, and documents whose objects nest deeper than
 * `index.mapping.depth.limit` (20 by default). Checked without recursion, so a body nested a
 * million deep is refused rather than overflowing the stack of whatever walks it next.
 */
import { EsError } from './errors'

/** The engines' JSON parser refuses documents nested deeper than this (arrays and objects). */
export const MAX_NESTING_DEPTH = 1000

/** `index.mapping.depth.limit`'s default: object fields nested at most this deep. */
export const MAPPING_DEPTH_LIMIT = 20

/** Throws the engine's 400 for JSON nested deeper than MAX_NESTING_DEPTH. */
export function checkNesting(value: unknown): void {
  const depth = nestingDepth(value, MAX_NESTING_DEPTH + 1)
  if (depth > MAX_NESTING_DEPTH) {
    throw new EsError(
      400,
      'x_content_parse_exception',
      `Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_NESTING_DEPTH})`,
    )
  }
}

/**
 * Throws the engine's 400 for a document whose object fields nest deeper than the mapping
 * depth limit, naming the first such field as `a.b.c…`, as the engines do.
 */
export function checkMappingDepth(source: Record<string, unknown>, index: string): void {
  checkNesting(source)
  const pending: Array<{ value: Record<string, unknown>; path: string; depth: number }> = [
    { value: source, path: '', depth: 0 },
  ]
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop() as (typeof pending)[number]
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`
      for (const object of objectsIn(child)) {
        if (depth + 1 > MAPPING_DEPTH_LIMIT) {
          throw new EsError(
            400,
            'illegal_argument_exception',
            `Limit of mapping depth [${MAPPING_DEPTH_LIMIT}] in index [${index}] has been ` +
              `exceeded due to object field [${childPath}]`,
          )
        }
        pending.push({ value: object, path: childPath, depth: depth + 1 })
      }
    }
  }
}

/** The objects a field's value holds: itself, or those in its arrays, at any depth of arrays. */
function objectsIn(value: unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = []
  const pending = [value]
  while (pending.length > 0) {
    const v = pending.pop()
    if (Array.isArray(v)) for (const item of v) pending.push(item)
    else if (typeof v === 'object' && v !== null) out.push(v as Record<string, unknown>)
  }
  return out
}

/** How deep `value` nests (a scalar 0), counted up to `stop`. */
function nestingDepth(value: unknown, stop: number): number {
  let deepest = 0
  const pending: Array<[unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [v, depth] = pending.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    const here = depth + 1
    if (here > deepest) deepest = here
    if (deepest >= stop) return deepest
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) pending.push([child, here])
    }
  }
  return deepest
}
