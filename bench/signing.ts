/**
 * Section 3: the signing path alone, in this process, no network. For each body: our full
 * per-request path (`RequestSigner.sign`: header merge, payload hash, canonical query, SigV4),
 * Node's native SHA-256 of the same body (the floor: a signed payload must be hashed once), and
 * `aws4.sign` of the same request (the signer of the 7.x-era connectors and of the OpenSearch
 * client's `AwsSigv4Signer`, which hashes the body natively too).
 */
import { createHash } from 'node:crypto'
import aws4 from 'aws4'
import type { RequestSigner } from '../lib/exchange/request-signer'
import { CREDENTIALS, REGION } from './contenders'
import { credentialsModule, packageIndex, requestSignerModule } from './dist'
import { log, median, rotate } from './util'

export interface SigningCase {
  id: string
  label: string
  bytes: number
  kind: 'string' | 'buffer'
}

export const SIGNING_CASES: SigningCase[] = [
  { id: '1kb', label: '1 KB string', bytes: 1024, kind: 'string' },
  { id: '1mb', label: '1 MB string', bytes: 1 << 20, kind: 'string' },
  { id: '10mb', label: '10 MB string', bytes: 10 << 20, kind: 'string' },
  { id: '1mb-buffer', label: '1 MB Buffer', bytes: 1 << 20, kind: 'buffer' },
  { id: '10mb-buffer', label: '10 MB Buffer', bytes: 10 << 20, kind: 'buffer' },
]

export interface SigningResult {
  id: string
  label: string
  bytes: number
  /**
   * Median CPU µs per operation (process CPU time over a batch: the operations are synchronous
   * or CPU-bound, so on an idle machine this equals wall time, and on a shared one it is not
   * inflated by time spent waiting for a core).
   */
  oursUs: number
  nativeSha256Us: number
  aws4Us: number
  /** The same, wall-clock. */
  wallUs: { ours: number; native: number; aws4: number }
}

/** A JSON-ish ASCII body of exactly `bytes` bytes (bulk bodies are strings; gzip gives Buffers). */
export function makeBody(bytes: number, kind: 'string' | 'buffer'): string | Buffer {
  const unit = '{"index":{"_index":"bench"}}\n{"message":"the quick brown fox jumps over"}\n'
  const text = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)
  // Flatten the string, as a body built by the client is by the time it is hashed.
  return kind === 'buffer' ? Buffer.from(text) : Buffer.from(text).toString('latin1')
}

const HOST = 'search-bench-abc123.us-east-1.es.amazonaws.com'
const PATH = '/bench/_bulk'
const QUERY = 'refresh=false&timeout=1m'

/** Our signer from the compiled package (see `dist.ts`). */
export function createSigner(): RequestSigner {
  const { RequestSigner } = requestSignerModule()
  const { CredentialCache } = credentialsModule()
  return new RequestSigner({
    credentials: new CredentialCache(CREDENTIALS),
    sha256: packageIndex().NodeSha256,
    maxBodyBytes: 100 << 20,
    now: () => new Date(),
  })
}

export async function runSigning(options: {
  rounds: number
  batchMs: number
}): Promise<SigningResult[]> {
  const signer = createSigner()
  const url = new URL(`https://${HOST}`)
  const connection = {
    url,
    headers: { 'user-agent': 'elasticsearch-js/9.4.3 (bench)', accept: 'application/json' },
    target: {
      region: REGION,
      service: 'es',
      host: HOST,
      regionSource: 'option' as const,
      serviceSource: 'option' as const,
    },
    plainMediaTypes: true,
    unsignedPayload: false,
    refusals: 'es' as const,
  }
  const results: SigningResult[] = []
  for (const c of SIGNING_CASES) {
    const body = makeBody(c.bytes, c.kind)
    const headers = { 'content-type': 'application/vnd.elasticsearch+x-ndjson; compatible-with=9' }
    let sink = 0
    const ops: Record<'ours' | 'native' | 'aws4', () => Promise<void> | void> = {
      ours: async () => {
        const signed = await signer.sign(
          { method: 'POST', path: PATH, querystring: QUERY, headers, body },
          connection,
        )
        sink += signed.params.headers.authorization.length
      },
      native: () => {
        sink += createHash('sha256').update(body).digest('hex').length
      },
      aws4: () => {
        const signed = aws4.sign(
          {
            host: HOST,
            method: 'POST',
            path: `${PATH}?${QUERY}`,
            headers: { ...headers },
            body,
            service: 'es',
            region: REGION,
          },
          CREDENTIALS,
        )
        sink += String(signed.headers?.Authorization).length
      },
    }
    const names = Object.keys(ops) as (keyof typeof ops)[]
    // Calibrate a batch size that takes about `batchMs`, then warm every contender up.
    const iterations = await calibrate(ops.ours, options.batchMs)
    for (const name of names) await timeBatch(ops[name], iterations)
    const cpu: Record<string, number[]> = { ours: [], native: [], aws4: [] }
    const wall: Record<string, number[]> = { ours: [], native: [], aws4: [] }
    for (let round = 0; round < options.rounds; round++) {
      for (const name of rotate(names, round)) {
        const cpu0 = process.cpuUsage()
        wall[name].push(await timeBatch(ops[name], iterations))
        const used = process.cpuUsage(cpu0)
        cpu[name].push((used.user + used.system) / iterations)
      }
    }
    if (sink === 0) throw new Error('signing produced nothing')
    const r: SigningResult = {
      id: c.id,
      label: c.label,
      bytes: c.bytes,
      oursUs: median(cpu.ours),
      nativeSha256Us: median(cpu.native),
      aws4Us: median(cpu.aws4),
      wallUs: { ours: median(wall.ours), native: median(wall.native), aws4: median(wall.aws4) },
    }
    log(
      `signing ${c.label} (CPU): ours ${r.oursUs.toFixed(1)} µs, native SHA-256 ${r.nativeSha256Us.toFixed(1)} µs, ` +
        `aws4 ${r.aws4Us.toFixed(1)} µs (${iterations}/batch)`,
    )
    results.push(r)
  }
  return results
}

async function calibrate(op: () => Promise<void> | void, batchMs: number): Promise<number> {
  let n = 1
  for (;;) {
    const us = (await timeBatch(op, n)) * n
    if (us >= batchMs * 1000 * 0.25 || n >= 1 << 20) {
      return Math.max(1, Math.round((n * batchMs * 1000) / Math.max(us, 1)))
    }
    n *= 4
  }
}

/** Mean µs per operation over `n` back-to-back runs (awaited, so async work is included). */
async function timeBatch(op: () => Promise<void> | void, n: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await op()
  return Number(process.hrtime.bigint() - start) / 1000 / n
}
