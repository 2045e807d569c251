/** Request bodies as JSON, with Elasticsearch's errors for bodies that are not. */
import { EsError } from './errors'
import { checkNesting } from './limits'
import type { Source } from './types'

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The body parsed as JSON; undefined for an empty body. Nested at most as deep as the engines take. */
export function readJson(body: Uint8Array): unknown {
  if (body.length === 0) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch (err) {
    throw new EsError(
      400,
      'parse_exception',
      `request body is not valid JSON: ${(err as Error).message}`,
    )
  }
  checkNesting(parsed)
  return parsed
}

/** The body as a JSON object: a document to index. */
export function readJsonObject(body: Uint8Array): Source {
  const parsed = readJson(body)
  if (parsed === undefined) {
    throw new EsError(400, 'parse_exception', 'request body is required')
  }
  if (!isObject(parsed)) {
    throw new EsError(400, 'mapper_parsing_exception', 'failed to parse, document is empty')
  }
  return parsed
}
