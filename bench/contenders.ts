/**
 * The clients under test, each behind the same three calls so the sections can treat them
 * alike: bulk-index an array of documents with the client's own `helpers.bulk`, run one small
 * `search`, and close.
 */
import { Client, HttpConnection, UndiciConnection } from '@elastic/elasticsearch'
import {
  Client as OpenSearchClient,
  Connection as OpenSearchConnection,
} from '@opensearch-project/opensearch'
import * as es717 from 'es717'
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws'
import { packageIndex } from './dist'
import { legacyRequire } from './legacy'
import { FloorConnection } from './floor'

/** Static credentials (the AWS documentation's example pair); the server does not verify. */
export const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
}
export const REGION = 'us-east-1'
export const INDEX = 'bench'

export type Doc = Record<string, unknown>

export interface BenchClient {
  /** Indexes every document; resolves with the helper's counts. */
  bulk(docs: Doc[]): Promise<{ successful: number; failed: number }>
  search(): Promise<void>
  close(): Promise<void>
}

export interface Contender {
  /** Short id, used as the JSON key. */
  id: string
  label: string
  signed: boolean
  create(node: string): BenchClient
}

const QUERY = { match: { message: 'quick brown fox' } }

function elastic(options: {
  signed: boolean
  base: typeof UndiciConnection | typeof HttpConnection | typeof FloorConnection
  compression?: boolean
}): (node: string) => BenchClient {
  return (node) => {
    const Connection = options.signed
      ? packageIndex().createAwsSigV4Connection({
          baseConnection: options.base,
          region: REGION,
          credentials: CREDENTIALS,
        })
      : options.base
    const client = new Client({ node, Connection, compression: options.compression === true })
    return {
      async bulk(docs) {
        const stats = await client.helpers.bulk<Doc>({
          datasource: docs,
          onDocument: () => ({ index: { _index: INDEX } }),
        })
        return { successful: stats.successful, failed: stats.failed }
      },
      async search() {
        await client.search({ index: INDEX, query: QUERY, size: 10 })
      },
      close: () => client.close(),
    }
  }
}

function openSearch(signed: boolean): (node: string) => BenchClient {
  return (node) => {
    const signer = signed
      ? AwsSigv4Signer({
          region: REGION,
          service: 'es',
          getCredentials: () => Promise.resolve(CREDENTIALS),
        })
      : {}
    return callbackApi(new OpenSearchClient({ ...signer, node }) as unknown as CallbackApiClient)
  }
}

/** The 7.x API that the 7.x clients and the OpenSearch client share. */
type CallbackApiClient = Pick<es717.Client, 'helpers' | 'search' | 'close'>

function callbackApi(client: CallbackApiClient): BenchClient {
  return {
    async bulk(docs) {
      const stats = await client.helpers.bulk({
        datasource: docs,
        onDocument: () => ({ index: { _index: INDEX } }),
      })
      return { successful: stats.successful, failed: stats.failed }
    },
    async search() {
      await client.search({ index: INDEX, body: { query: QUERY, size: 10 } })
    },
    close: () => client.close(),
  }
}

/** @elastic/elasticsearch 7.17 with this package on its `Connection`, or unsigned. */
function elastic7(signed: boolean): (node: string) => BenchClient {
  return (node) => {
    const Connection = signed
      ? packageIndex().createAwsSigV4Connection({
          baseConnection: es717.Connection,
          region: REGION,
          credentials: CREDENTIALS,
        })
      : es717.Connection
    return callbackApi(new es717.Client({ node, Connection }))
  }
}

/**
 * @elastic/elasticsearch 7.13.0 with `aws-elasticsearch-connector` (bench/legacy), as its README
 * shows, with static credentials: its fastest path (no `AWS.Config` credential lookup).
 */
function legacyConnector(node: string): BenchClient {
  const { Client: Legacy } = legacyRequire('@elastic/elasticsearch') as typeof es717
  const connector = legacyRequire('aws-elasticsearch-connector') as (config: {
    region: string
    credentials: typeof CREDENTIALS
  }) => object
  return callbackApi(
    new Legacy({ ...connector({ region: REGION, credentials: CREDENTIALS }), node }),
  )
}

/** The OpenSearch client with this package on its `Connection`. */
function openSearchOurs(node: string): BenchClient {
  const Connection = packageIndex().createAwsSigV4Connection({
    baseConnection: OpenSearchConnection,
    region: REGION,
    credentials: CREDENTIALS,
  })
  return callbackApi(new OpenSearchClient({ node, Connection }) as unknown as CallbackApiClient)
}

export const ES_UNDICI: Contender = {
  id: 'es-undici',
  label: 'ES client, UndiciConnection (unsigned)',
  signed: false,
  create: elastic({ signed: false, base: UndiciConnection }),
}
export const ES_UNDICI_SIGNED: Contender = {
  id: 'es-undici-sigv4',
  label: 'ES client, SigV4 on UndiciConnection',
  signed: true,
  create: elastic({ signed: true, base: UndiciConnection }),
}
export const ES_UNDICI_FLOOR: Contender = {
  id: 'es-undici-floor',
  label: 'floor: Undici + SigV4-sized headers, no crypto',
  signed: false,
  create: elastic({ signed: false, base: FloorConnection }),
}
export const ES_HTTP: Contender = {
  id: 'es-http',
  label: 'ES client, HttpConnection (unsigned)',
  signed: false,
  create: elastic({ signed: false, base: HttpConnection }),
}
export const ES_HTTP_SIGNED: Contender = {
  id: 'es-http-sigv4',
  label: 'ES client, SigV4 on HttpConnection',
  signed: true,
  create: elastic({ signed: true, base: HttpConnection }),
}
export const ES_GZIP: Contender = {
  id: 'es-undici-gzip',
  label: 'ES client, Undici + compression (unsigned)',
  signed: false,
  create: elastic({ signed: false, base: UndiciConnection, compression: true }),
}
export const ES_GZIP_SIGNED: Contender = {
  id: 'es-undici-gzip-sigv4',
  label: 'ES client, SigV4 on Undici + compression',
  signed: true,
  create: elastic({ signed: true, base: UndiciConnection, compression: true }),
}
export const OPENSEARCH: Contender = {
  id: 'opensearch',
  label: 'OpenSearch client (unsigned)',
  signed: false,
  create: openSearch(false),
}
export const OPENSEARCH_SIGNED: Contender = {
  id: 'opensearch-sigv4',
  label: 'OpenSearch client + AwsSigv4Signer',
  signed: true,
  create: openSearch(true),
}
export const ES7: Contender = {
  id: 'es717',
  label: 'ES client 7.17, Connection (unsigned)',
  signed: false,
  create: elastic7(false),
}
export const ES7_SIGNED: Contender = {
  id: 'es717-sigv4',
  label: 'ES client 7.17, SigV4 on Connection (ours)',
  signed: true,
  create: elastic7(true),
}
export const ES7_LEGACY: Contender = {
  id: 'es7130-aws-connector',
  label: 'ES client 7.13.0 + aws-elasticsearch-connector',
  signed: true,
  create: legacyConnector,
}
export const OPENSEARCH_OURS: Contender = {
  id: 'opensearch-ours',
  label: 'OpenSearch client, SigV4 on Connection (ours)',
  signed: true,
  create: openSearchOurs,
}

const ALL = [
  ES_UNDICI,
  ES_UNDICI_SIGNED,
  ES_UNDICI_FLOOR,
  ES_HTTP,
  ES_HTTP_SIGNED,
  ES_GZIP,
  ES_GZIP_SIGNED,
  OPENSEARCH,
  OPENSEARCH_SIGNED,
  OPENSEARCH_OURS,
  ES7,
  ES7_SIGNED,
  ES7_LEGACY,
]

/**
 * A contender by its id, for the process it runs in. With `BENCH_INJECT_FAILURE=<id>` that
 * contender's client throws, to check that a failing contender makes the run exit non-zero.
 */
export function contenderById(id: string): Contender {
  const contender = ALL.find((c) => c.id === id)
  if (contender === undefined) throw new Error(`no bench contender ${id}`)
  if (process.env.BENCH_INJECT_FAILURE !== id) return contender
  return {
    ...contender,
    create: (node: string) => {
      const client = contender.create(node)
      const fail = (): never => {
        throw new Error(`injected failure (BENCH_INJECT_FAILURE=${id})`)
      }
      return { ...client, bulk: async () => fail(), search: async () => fail() }
    },
  }
}
