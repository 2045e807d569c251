/**
 * OpenSearch Serverless: ingest and search against a collection (signing service `aoss`).
 *
 * What differs from a domain, and what this example does about it:
 * - There is no cluster-info API (`GET /`): nothing here calls `client.info()` or `ping()`.
 * - Requests must carry `x-amz-content-sha256`: the connection always sends it.
 * - Time-series collections refuse custom document ids: documents are indexed without `_id`.
 * - New documents become searchable after a short delay: the example polls `count` instead of
 *   refreshing.
 *
 * Environment: ES_NODE (collection endpoint, https://<id>.<region>.aoss.amazonaws.com),
 * ES_INDEX (default `events`), AWS_REGION (the region in the endpoint's host name wins).
 * Credentials: the default chain; the collection's data access policy must grant the principal
 * aoss:CreateIndex, aoss:DescribeIndex, aoss:WriteDocument and aoss:ReadDocument on the index.
 *
 * Run:  ES_NODE=https://abc123.eu-west-1.aoss.amazonaws.com npx tsx examples/serverless-collection/collection.ts
 */
import { randomBytes } from 'node:crypto'
import { Client, type estypes } from '@elastic/elasticsearch'
// In your project: import { createAwsSigV4Connection } from 'elasticsearch-aws-sigv4'
import { createAwsSigV4Connection, type CredentialsOption } from '../../lib'

export interface ClientOptions {
  /** Default: ES_NODE. */
  node?: string
  /** Default: the endpoint's region, else AWS_REGION. */
  region?: string
  /** Default: the AWS SDK's default credential chain. */
  credentials?: CredentialsOption
}

export function createClient(options: ClientOptions = {}): Client {
  const node = options.node ?? process.env.ES_NODE
  if (!node) throw new Error('ES_NODE is not set: the collection endpoint, https://….aoss…')
  return new Client({
    node,
    // A real collection's host name says `aoss` already; explicit so a proxy or tunnel works too.
    Connection: createAwsSigV4Connection({
      service: 'aoss',
      region: options.region,
      credentials: options.credentials,
    }),
  })
}

/** Creates the index with explicit mappings unless it exists. */
export async function ensureIndex(client: Client, index: string): Promise<void> {
  if (await client.indices.exists({ index })) return
  await client.indices.create({
    index,
    mappings: {
      properties: {
        run: { type: 'keyword' },
        title: { type: 'text' },
        tags: { type: 'keyword' },
        at: { type: 'date' },
      },
    },
  })
}

export interface IndexFailure {
  status: number
  error?: string
  reason?: string
}

/** Bulk-indexes documents (ids assigned by the collection); returns what was refused. */
export async function indexDocuments(
  client: Client,
  index: string,
  documents: ReadonlyArray<Record<string, unknown>>,
): Promise<{ indexed: number; failed: IndexFailure[] }> {
  const failed: IndexFailure[] = []
  const stats = await client.helpers.bulk({
    datasource: [...documents],
    onDocument: () => ({ index: { _index: index } }),
    onDrop: (drop) =>
      failed.push({
        status: drop.status,
        error: drop.error?.type,
        reason: drop.error?.reason ?? undefined,
      }),
  })
  return { indexed: stats.successful, failed }
}

/** Polls until `count` of `query` reaches `expected`; returns the last count. */
export async function waitForCount(
  client: Client,
  index: string,
  query: Record<string, unknown>,
  expected: number,
  { timeoutMs = 60_000, intervalMs = 1_000 } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { count } = await client.count({ index, query })
    if (count >= expected || Date.now() >= deadline) return count
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export interface DemoResult {
  run: string
  indexed: number
  failed: IndexFailure[]
  searchable: number
  kettleHits: string[]
}

/**
 * Indexes three documents tagged with a fresh run id, waits until they are searchable and
 * searches them. Only this run's documents are counted, so re-runs and other data don't matter.
 */
export async function runDemo(
  client: Client,
  index: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<DemoResult> {
  const run = randomBytes(8).toString('hex')
  const at = new Date().toISOString()
  await ensureIndex(client, index)
  const { indexed, failed } = await indexDocuments(client, index, [
    { run, title: 'blue kettle', tags: ['kitchen'], at },
    { run, title: 'red kettle', tags: ['kitchen', 'sale'], at },
    { run, title: 'garden hose', tags: ['garden'], at },
  ])
  const searchable = await waitForCount(client, index, { term: { run } }, indexed, options)
  const query: estypes.QueryDslQueryContainer = {
    bool: {
      filter: [{ term: { run } }],
      must: [{ match: { title: 'kettle' } }],
      // Only for this repository's type-check: chai's typings give every object a `should`.
      should: [],
    },
  }
  const response = await client.search<{ title: string }>({ index, query })
  return {
    run,
    indexed,
    failed,
    searchable,
    kettleHits: response.hits.hits.map((hit) => hit._source?.title ?? '').sort(),
  }
}

if (require.main === module) {
  const client = createClient()
  runDemo(client, process.env.ES_INDEX || 'events')
    .then((result) => {
      console.log(JSON.stringify(result, null, 2))
      if (result.failed.length > 0 || result.searchable < result.indexed) process.exitCode = 1
    })
    .catch((err: unknown) => {
      console.error(err)
      process.exitCode = 1
    })
    .finally(() => client.close())
}
