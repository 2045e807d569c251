/** The bulk API: NDJSON action lines, each applied as the document APIs would. */
import { randomBytes } from 'node:crypto'
import { preconditionOf, type Documents } from './documents'
import { withDocType, type Engine } from './engines'
import { EsError } from './errors'
import type { Indices } from './indices'
import { isObject } from './json'
import type { Source, StoreRequest, StoreResponse } from './types'

export class Bulk {
  constructor(
    private readonly indices: Indices,
    private readonly documents: Documents,
    private readonly engine: Engine,
  ) {}

  run(req: StoreRequest, defaultIndex: string | undefined): StoreResponse {
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
      const item = this.item(op, name, id, source, meta)
      if ((item.status as number) >= 300) errors = true
      items.push({ [op]: item })
    }
    return { status: 200, body: { took: 1, errors, items } }
  }

  private item(
    op: string,
    name: string,
    id: string | undefined,
    source: unknown,
    meta: Record<string, unknown>,
  ): Record<string, unknown> {
    const docId = id ?? randomBytes(15).toString('base64url')
    try {
      const precondition = preconditionOf((k) => meta[k])
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
      const index = this.indices.ensure(name)
      if (op === 'delete') {
        const existing = index.docs.get(docId)
        return {
          ...this.documents.remove(index, docId, existing, precondition),
          status: existing ? 200 : 404,
        }
      }
      const { status, body } =
        op === 'update'
          ? this.documents.applyUpdate(index, docId, source as Source, precondition)
          : this.documents.put(
              index,
              docId,
              source as Source,
              op === 'create' ? 'create' : 'index',
              precondition,
            )
      return { ...(body as Record<string, unknown>), status }
    } catch (err) {
      if (!(err instanceof EsError)) throw err
      const { type, reason, extra } = err
      return withDocType(this.engine, {
        _index: name,
        _id: docId,
        status: err.status,
        error: { type, reason, ...extra },
      })
    }
  }
}
