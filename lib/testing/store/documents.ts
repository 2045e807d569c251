/** The document APIs: index, create, get, update and delete, one document at a time. */
import { withDocType, type Engine } from './engines'
import { EsError } from './errors'
import { checkMappingDepth, checkNesting } from './limits'
import type { Indices } from './indices'
import { isObject, readJsonObject } from './json'
import type { Index, Source, StoreRequest, StoreResponse, StoredDoc } from './types'

/** A write's outcome: its status and its response body (a bulk item is built from both). */
export interface WriteOutcome {
  status: number
  body: Record<string, unknown>
}

export class Documents {
  constructor(
    private readonly indices: Indices,
    private readonly engine: Engine,
  ) {}

  write(name: string, id: string, req: StoreRequest, opType: 'index' | 'create'): StoreResponse {
    const source = readJsonObject(req.body)
    const index = this.indices.ensure(name)
    const { status, body } = this.put(index, id, source, opType)
    return { status, body }
  }

  put(index: Index, id: string, source: Source, opType: 'index' | 'create'): WriteOutcome {
    checkMappingDepth(source, index.name)
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

  get(name: string, id: string, head: boolean): StoreResponse {
    const index = this.indices.require(name)
    const doc = index.docs.get(id)
    if (head) return { status: doc ? 200 : 404 }
    if (!doc) {
      return {
        status: 404,
        body: withDocType(this.engine, { _index: name, _id: id, found: false }),
      }
    }
    return {
      status: 200,
      body: withDocType(this.engine, {
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

  delete(name: string, id: string): StoreResponse {
    const index = this.indices.require(name)
    const existing = index.docs.get(id)
    const result = this.remove(index, id, existing)
    return { status: existing ? 200 : 404, body: result }
  }

  remove(index: Index, id: string, existing: StoredDoc | undefined): Record<string, unknown> {
    index.docs.delete(id)
    const doc = { source: {}, version: (existing?.version ?? 0) + 1, seqNo: index.nextSeqNo++ }
    return this.writeResult(index, id, doc, existing ? 'deleted' : 'not_found')
  }

  update(name: string, id: string, body: unknown): StoreResponse {
    if (!isObject(body)) {
      throw scriptOrDocMissing()
    }
    const index = this.indices.ensure(name)
    return this.applyUpdate(index, id, body)
  }

  applyUpdate(index: Index, id: string, body: Source): StoreResponse {
    // Merged recursively below: a bulk line's body is parsed without readJson's check.
    checkNesting(body)
    if (body.script !== undefined) {
      throw new EsError(
        400,
        'illegal_argument_exception',
        'scripted updates are not supported by the emulator',
      )
    }
    const patch = body.doc
    if (!isObject(patch)) {
      throw scriptOrDocMissing()
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

  private writeResult(
    index: Index,
    id: string,
    doc: StoredDoc,
    result: string,
  ): Record<string, unknown> {
    return withDocType(this.engine, {
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
}

function deepMerge(target: Source, patch: Source): Source {
  const out: Source = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value
  }
  return out
}

/** What Elasticsearch answers to an update that has neither `doc` nor `script`. */
function scriptOrDocMissing(): EsError {
  return new EsError(
    400,
    'action_request_validation_exception',
    'Validation Failed: 1: script or doc is missing;',
  )
}
