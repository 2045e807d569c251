/**
 * Search service: a small HTTP backend (node:http, no framework) in front of a domain.
 *
 *   GET /search?q=blue+kettle[&size=10]  →  200 { "query", "total", "hits": [{ "id", "score", "source" }] }
 *
 * `q` is a user's search box text, run as a `simple_query_string` (it never fails on syntax;
 * all words must match). A missing `q` is a 400, a failed search a 502 (details logged, not
 * sent to the caller).
 *
 * Environment: ES_NODE (endpoint URL), ES_INDEX (default `events`), AWS_REGION (the region in
 * the endpoint's host name wins), PORT (default 3000). Credentials: the default chain (an ECS
 * task role, EC2 instance profile, AWS_PROFILE, ...), which needs es:ESHttpGet and
 * es:ESHttpPost on the domain (a search body is POSTed).
 *
 * Run:  ES_NODE=https://search-… npx tsx examples/search-service/server.ts
 *       curl 'http://localhost:3000/search?q=kettle'
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Client } from '@elastic/elasticsearch'
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
  if (!node) throw new Error('ES_NODE is not set: the domain endpoint, e.g. https://search-…')
  return new Client({
    node,
    Connection: createAwsSigV4Connection({
      region: options.region,
      credentials: options.credentials,
    }),
  })
}

export interface SearchServiceOptions {
  client: Client
  index: string
  /** Largest `size` a caller may ask for. Default 100. */
  maxSize?: number
  log?: (message: string, fields: Record<string, unknown>) => void
}

export interface SearchHit {
  id: string
  score: number | null
  source: unknown
}

export interface SearchResult {
  query: string
  total: number
  hits: SearchHit[]
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/** The HTTP server; not listening yet (call `.listen(port)`). */
export function createSearchServer(options: SearchServiceOptions): Server {
  const { client, index, maxSize = 100 } = options
  const log =
    options.log ?? ((message, fields) => console.error(JSON.stringify({ message, ...fields })))

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/search') return sendJson(res, 404, { error: 'not found' })
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      return sendJson(res, 405, { error: 'method not allowed' })
    }
    const q = url.searchParams.get('q')?.trim()
    if (!q) return sendJson(res, 400, { error: 'the q parameter is required' })
    const size = Number(url.searchParams.get('size') ?? 10)
    if (!Number.isInteger(size) || size < 0 || size > maxSize) {
      return sendJson(res, 400, { error: `size must be an integer from 0 to ${maxSize}` })
    }

    try {
      const response = await client.search({
        index,
        size,
        query: { simple_query_string: { query: q, default_operator: 'and' } },
      })
      const total = response.hits.total
      const result: SearchResult = {
        query: q,
        total: typeof total === 'number' ? total : (total?.value ?? 0),
        hits: response.hits.hits.map((hit) => ({
          id: hit._id ?? '',
          score: hit._score ?? null,
          source: hit._source,
        })),
      }
      sendJson(res, 200, result)
    } catch (err) {
      log('search failed', { q, error: err instanceof Error ? err.message : String(err) })
      sendJson(res, 502, { error: 'search failed' })
    }
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log('request failed', { error: err instanceof Error ? err.message : String(err) })
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' })
      else res.destroy()
    })
  })
}

if (require.main === module) {
  const client = createClient()
  const server = createSearchServer({ client, index: process.env.ES_INDEX || 'events' })
  const port = Number(process.env.PORT ?? 3000)
  server.listen(port, () => console.log(`search service on http://localhost:${port}/search?q=`))
  const stop = (): void => {
    server.close()
    void client.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
