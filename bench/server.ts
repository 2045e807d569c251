/**
 * The fast local stand-in for Elasticsearch, run in its own process (so on a 2-core machine the
 * client under test and the server each get a core). It reads every request body to the end and
 * answers at once with a small JSON body; `_bulk` gets a valid response with one item per action
 * line, so `helpers.bulk` counts every document as indexed. Nothing is verified here: signatures
 * are not checked, so the server costs the same for every contender.
 *
 * Started by `bench/index.ts` with `fork`; reports `{ port }` over IPC once listening.
 */
import http from 'node:http'
import { gunzipSync, inflateSync } from 'node:zlib'

const SEARCH_RESPONSE = JSON.stringify({
  took: 1,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { total: { value: 0, relation: 'eq' }, max_score: null, hits: [] },
})
const INFO_RESPONSE = JSON.stringify({
  name: 'bench',
  cluster_name: 'bench',
  version: { number: '9.0.0', build_flavor: 'default' },
  tagline: 'You Know, for Search',
})
const HEADERS = {
  'content-type': 'application/json',
  'x-elastic-product': 'Elasticsearch',
}

// One bulk response per item count, built once: the answer costs the same for every contender.
const bulkResponses = new Map<number, Buffer>()
function bulkResponse(items: number): Buffer {
  let body = bulkResponses.get(items)
  if (body === undefined) {
    const item =
      '{"index":{"_index":"bench","_id":"x","_version":1,"result":"created","status":201}}'
    body = Buffer.from(
      `{"took":1,"errors":false,"items":[${new Array(items).fill(item).join(',')}]}`,
    )
    bulkResponses.set(items, body)
  }
  return body
}

const ACTIONS = ['{"index"', '{"create"', '{"update"', '{"delete"']

/** Number of ndjson lines that are bulk actions (an index/create/update line is followed by a source line). */
function countActions(body: Buffer): number {
  let count = 0
  let start = 0
  while (start < body.length) {
    const head = body.toString('latin1', start, start + 9)
    if (ACTIONS.some((a) => head.startsWith(a))) count++
    const nl = body.indexOf(10, start)
    if (nl === -1) break
    start = nl + 1
  }
  return count
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === undefined || encoding === 'identity') return body
  if (encoding.includes('gzip')) return gunzipSync(body)
  if (encoding.includes('deflate')) return inflateSync(body)
  return body
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const url = req.url ?? '/'
    let body: string | Buffer
    if (url.includes('_bulk')) {
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
      body = bulkResponse(countActions(decode(raw, req.headers['content-encoding'])))
    } else if (url === '/' || url.startsWith('/?')) {
      body = INFO_RESPONSE
    } else {
      body = SEARCH_RESPONSE
    }
    res.writeHead(200, { ...HEADERS, 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.requestTimeout = 0
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  if (process.send) process.send({ port: address.port })
  else console.log(`listening on ${address.port}`)
})
process.on('disconnect', () => process.exit(0))
