/** The shapes the in-memory store works with: requests, responses, indices and documents. */

export interface StoreRequest {
  method: string
  /** Decoded path segments, e.g. `['my-index', '_doc', 'a/b']`. */
  segments: readonly string[]
  /** Decoded query parameters (last one wins). */
  query: ReadonlyMap<string, string>
  /** Decompressed body bytes. */
  body: Uint8Array
}

export interface StoreResponse {
  status: number
  /** JSON body; undefined for an empty body (HEAD, for instance). */
  body?: unknown
  /** A plain-text body instead (the `_cat` APIs), sent as `text/plain`. */
  text?: string
  /** Headers besides the content type (`Allow` on a 405). */
  headers?: Record<string, string>
}

/** A document's `_source`. */
export type Source = Record<string, unknown>

export interface StoredDoc {
  source: Source
  version: number
  seqNo: number
}

export interface Index {
  name: string
  uuid: string
  created: number
  docs: Map<string, StoredDoc>
  nextSeqNo: number
  /** The mappings as `GET /<index>` shows them: as given, plus the fields mapped dynamically. */
  mappings: unknown
  /** Each mapped field's type by dotted path (`o.x`), objects included (`object`). */
  fields: Map<string, string>
  settings: unknown
}

/** One search hit: a document and where it lives. */
export interface Hit {
  index: Index
  id: string
  doc: StoredDoc
}
