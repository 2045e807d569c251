/** The document APIs: index, create, get, update and delete, one document at a time. */
import { withDocType, type Engine } from './engines'
import { EsError } from './errors'
import { checkMappingDepth, checkNesting } from './limits'
import type { Indices } from './indices'
import { isObject, readJson, readJsonObject } from './json'
import { mapDocument } from './mappings'
import type { Index, Source, StoreRequest, StoreResponse, StoredDoc } from './types'

/** `if_seq_no` with `if_primary_term`: the write applies only to that version of the document. */
export interface Precondition {
  seqNo: number
  primaryTerm: number
}

/** The store has one primary per index, which never changes. */
const PRIMARY_TERM = 1

/**
 * The precondition a request (or a bulk action) asks for, read with `get` (`if_seq_no`,
 * `if_primary_term`); the engine's 400 when only one of them is given.
 */
export function preconditionOf(get: (name: string) => unknown): Precondition | undefined {
  const seqNo = get('if_seq_no')
  const term = get('if_primary_term')
  if (seqNo === undefined && term === undefined) return undefined
  if (term === undefined) {
    throw new EsError(
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: ifSeqNo is set, but primary term is [0];',
    )
  }
  if (seqNo === undefined) {
    throw new EsError(
      400,
      'action_request_validation_exception',
      `Validation Failed: 1: ifSeqNo is unassigned, but primary term is [${String(term)}];`,
    )
  }
  return { seqNo: Number(seqNo), primaryTerm: Number(term) }
}

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
    const precondition = preconditionOf((k) => req.query.get(k))
    const index = this.indices.ensure(name)
    const { status, body } = this.put(index, id, source, opType, precondition)
    return { status, body }
  }

  put(
    index: Index,
    id: string,
    source: Source,
    opType: 'index' | 'create',
    precondition?: Precondition,
  ): WriteOutcome {
    checkMappingDepth(source, index.name)
    const existing = index.docs.get(id)
    if (existing && opType === 'create') throw this.conflict(index, id, existing.version)
    this.check(index, id, existing, precondition)
    mapDocument(index, id, source)
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
        _primary_term: PRIMARY_TERM,
        found: true,
        _source: doc.source,
      }),
    }
  }

  delete(name: string, id: string, req: StoreRequest): StoreResponse {
    const precondition = preconditionOf((k) => req.query.get(k))
    const index = this.indices.require(name)
    const existing = index.docs.get(id)
    const result = this.remove(index, id, existing, precondition)
    return { status: existing ? 200 : 404, body: result }
  }

  remove(
    index: Index,
    id: string,
    existing: StoredDoc | undefined,
    precondition?: Precondition,
  ): Record<string, unknown> {
    this.check(index, id, existing, precondition)
    index.docs.delete(id)
    const doc = { source: {}, version: (existing?.version ?? 0) + 1, seqNo: index.nextSeqNo++ }
    return this.writeResult(index, id, doc, existing ? 'deleted' : 'not_found')
  }

  update(name: string, id: string, req: StoreRequest): StoreResponse {
    const body = readJson(req.body)
    if (!isObject(body)) {
      throw scriptOrDocMissing()
    }
    const precondition = preconditionOf((k) => req.query.get(k))
    const index = this.indices.ensure(name)
    return this.applyUpdate(index, id, body, precondition)
  }

  applyUpdate(index: Index, id: string, body: Source, precondition?: Precondition): StoreResponse {
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
    this.check(index, id, existing, precondition)
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

  /**
   * `_mget`: documents by `docs` (`_index`, `_id`) or by `ids` in the path's index, each as
   * `GET /<index>/_doc/<id>` answers it; a missing index answers its error in the document's
   * place.
   */
  mget(req: StoreRequest, defaultIndex: string | undefined): StoreResponse {
    const body = readJson(req.body)
    if (body === undefined) {
      throw new EsError(400, 'parse_exception', 'request body or source parameter is required')
    }
    if (!isObject(body) || (!Array.isArray(body.docs) && !Array.isArray(body.ids))) {
      throw new EsError(
        400,
        'parsing_exception',
        'unexpected token [START_OBJECT], expected [FIELD_NAME] or [START_ARRAY]',
      )
    }
    const wanted: Source[] = Array.isArray(body.docs)
      ? body.docs.map((d) => (isObject(d) ? d : {}))
      : (body.ids as unknown[]).map((id) => ({ _id: id }))
    const sourceWanted = req.query.get('_source') !== 'false'
    const problems: string[] = []
    wanted.forEach((d, i) => {
      if (typeof d._index !== 'string' && defaultIndex === undefined) {
        problems.push(`${problems.length + 1}: index is missing for doc ${i};`)
      }
      if (typeof d._id !== 'string')
        problems.push(`${problems.length + 1}: id is missing for doc ${i};`)
    })
    if (problems.length > 0) {
      throw new EsError(
        400,
        'action_request_validation_exception',
        `Validation Failed: ${problems.join('')}`,
      )
    }
    const docs = wanted.map((d) => {
      const name = typeof d._index === 'string' ? d._index : (defaultIndex as string)
      const id = d._id as string
      if (!this.indices.has(name)) {
        const notFound = {
          type: 'index_not_found_exception',
          reason: `no such index [${name}]`,
          index: name,
          'resource.id': name,
          'resource.type': 'index_expression',
          index_uuid: '_na_',
        }
        return { _index: name, _id: id, error: { root_cause: [notFound], ...notFound } }
      }
      const found = this.get(name, id, false).body as Record<string, unknown>
      if (!sourceWanted) delete found._source
      return found
    })
    return { status: 200, body: { docs } }
  }

  /** The 409 a write gets when the document is not at the version it names. */
  private check(
    index: Index,
    id: string,
    existing: StoredDoc | undefined,
    precondition: Precondition | undefined,
  ): void {
    if (precondition === undefined) return
    const { seqNo, primaryTerm } = precondition
    if (existing !== undefined && existing.seqNo === seqNo && primaryTerm === PRIMARY_TERM) return
    const required = `[${id}]: version conflict, required seqNo [${seqNo}], primary term [${primaryTerm}].`
    throw new EsError(
      409,
      'version_conflict_engine_exception',
      existing === undefined
        ? `${required} but no document was found`
        : `${required} current document has seqNo [${existing.seqNo}] and primary term [${PRIMARY_TERM}]`,
      { index_uuid: index.uuid, shard: '0', index: index.name },
    )
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
      _primary_term: PRIMARY_TERM,
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
