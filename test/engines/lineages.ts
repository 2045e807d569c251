/**
 * Every client lineage behind one small interface, so the real-engine set (e2e.test.ts) is
 * written once: the 8.x/9.x clients (parameters flat, `{ meta: true }` for the status and
 * headers) and the callback lineage, 7.x and the OpenSearch clients (`body`, answers as
 * `{ body, statusCode, headers }`).
 */
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import type { SignedOptions } from '../support/client-variants'
import { CALLBACK_VARIANTS, CLIENT_VARIANTS } from '../support/client-variants'

/** What an API call answered. */
export interface Answer<T = Record<string, unknown>> {
  body: T
  statusCode: number
  headers: Record<string, unknown>
}

/** A request body: an object (merged into the parameters on 8.x/9.x) or NDJSON lines. */
export type Body = Record<string, unknown> | Array<Record<string, unknown>>

export interface LineageClient {
  /** `api` is the client's own name: `index`, `indices.create`, `update_by_query`, ... */
  call<T = Record<string, unknown>>(
    api: string,
    params: Record<string, unknown>,
    body?: Body,
  ): Promise<Answer<T>>
  bulkHelper(
    index: string,
    docs: Array<Record<string, unknown>>,
    id: (doc: Record<string, unknown>) => string,
  ): Promise<{ failed: number; successful: number }>
  /** Every document `helpers.scrollSearch` yields for a match_all over `index`. */
  scrollSearchDocuments(index: string, size: number): Promise<number>
  close(): Promise<void>
}

export interface Lineage {
  name: string
  kind: 'promise' | 'callback'
  /** 7.14–7.17: sends the product check, so needs an engine that reports 7.x. */
  productCheck: boolean
  make(node: string, opts: SignedOptions, compression?: boolean): LineageClient
}

/** 8.x/9.x parameters that hold the whole body (others take the body's fields flat). */
const WHOLE_BODY: Record<string, string> = {
  index: 'document',
  create: 'document',
  bulk: 'operations',
  msearch: 'searches',
}

type Callable = (params: object, options?: object) => Promise<unknown>

function method(client: object, api: string): Callable {
  const path = api.split('.')
  let owner = client as Record<string, unknown>
  for (const part of path.slice(0, -1)) owner = owner[part] as Record<string, unknown>
  const fn = owner[path[path.length - 1]]
  if (typeof fn !== 'function') throw new Error(`the client has no API ${api}`)
  return (fn as Callable).bind(owner)
}

function promiseClient(client: es9.Client): LineageClient {
  return {
    call: async <T>(api: string, params: Record<string, unknown>, body?: Body) => {
      const key = WHOLE_BODY[api]
      const args =
        body === undefined
          ? params
          : key !== undefined
            ? { ...params, [key]: body }
            : { ...params, ...(body as Record<string, unknown>) }
      const answer = (await method(client, api)(args, { meta: true })) as Answer<T>
      return { body: answer.body, statusCode: answer.statusCode, headers: answer.headers }
    },
    bulkHelper: async (index, docs, id) =>
      client.helpers.bulk({
        datasource: docs,
        onDocument: (doc) => ({ index: { _index: index, _id: id(doc) } }),
        flushBytes: 20_000,
        refreshOnCompletion: true,
      }),
    scrollSearchDocuments: async (index, size) => {
      let seen = 0
      const scroll = client.helpers.scrollSearch({ index, size, query: { match_all: {} } })
      for await (const page of scroll) seen += page.documents.length
      return seen
    },
    close: () => client.close(),
  }
}

interface CallbackShape {
  helpers: {
    bulk(options: object): Promise<{ failed: number; successful: number }>
    scrollSearch(params: object): AsyncIterable<{ documents: unknown[] }>
  }
  close(): Promise<void>
}

function callbackClient(client: CallbackShape): LineageClient {
  return {
    call: async <T>(api: string, params: Record<string, unknown>, body?: Body) => {
      const answer = (await method(
        client,
        api,
      )(body === undefined ? params : { ...params, body })) as Answer<T>
      return { body: answer.body, statusCode: answer.statusCode, headers: answer.headers }
    },
    bulkHelper: (index, docs, id) =>
      client.helpers.bulk({
        datasource: docs,
        onDocument: (doc: Record<string, unknown>) => ({ index: { _index: index, _id: id(doc) } }),
        flushBytes: 20_000,
        refreshOnCompletion: true,
      }),
    scrollSearchDocuments: async (index, size) => {
      let seen = 0
      const scroll = client.helpers.scrollSearch({
        index,
        size,
        body: { query: { match_all: {} } },
      })
      for await (const page of scroll) seen += page.documents.length
      return seen
    },
    close: () => client.close(),
  }
}

/**
 * The installed 9.x on both connections and 8.19 (`es8`) on its default, Undici: what the engines
 * are met with. Both connection classes of 8.19, and the lines TEST_EXTRA_CLIENTS adds (8.13),
 * are the shared end-to-end files' business (test/e2e/), where they cost no engine time.
 */
const ENGINE_BASES: readonly unknown[] = [
  es9.UndiciConnection,
  es9.HttpConnection,
  es8.UndiciConnection,
]
const ENGINE_CLIENT_VARIANTS = CLIENT_VARIANTS.filter((v) =>
  ENGINE_BASES.includes(v.baseConnection),
)

/** 9.x (Undici, Http), 8.19 (Undici), 7.17, 7.13, the OpenSearch client 3.x and 2.x. */
export const LINEAGES: readonly Lineage[] = [
  ...ENGINE_CLIENT_VARIANTS.map((v): Lineage => ({
    name: v.name,
    kind: 'promise',
    productCheck: false,
    make: (node, opts, compression) =>
      promiseClient(v.make(node, opts, compression ? { compression: true } : {}) as es9.Client),
  })),
  ...CALLBACK_VARIANTS.map((v): Lineage => ({
    name: v.name,
    kind: 'callback',
    productCheck: v.productCheck,
    make: (node, opts, compression) =>
      callbackClient(
        v.make(
          node,
          opts,
          compression ? { compression: 'gzip', suggestCompression: true } : {},
        ) as unknown as CallbackShape,
      ),
  })),
]
