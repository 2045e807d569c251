// The proxy in front of the verifying emulator: every method, path and query forwarded and
// signed as sent, bodies, `Expect: 100-continue`, answers streamed back as they arrive (compressed
// ones as they came), hop-by-hop headers dropped, `Location` moved under the proxy, the client's
// own authentication never forwarded, and plain answers when the endpoint fails.
import { expect } from 'chai'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { gunzipSync, gzipSync } from 'node:zlib'
import { verifySignature } from '../../../lib/testing'
import { startSigningProxy } from '../../../lib/cli/proxy'
import type { ProxyLogEntry, RequestLogEntry } from '../../../lib/cli/proxy'
import { OFFLOAD_MIN_BYTES, sha256Worker } from '../../../lib/sigv4/sha256-worker'
import { TRICKY_IDS } from '../../support/tricky-ids'
import { KEY, REGION, gate, send, startPair, type Pair } from './support'

const JSON_TYPE = { 'content-type': 'application/json' }

describe('proxy: forwarding to the verifying emulator', function () {
  this.timeout(30_000)
  let pair: Pair
  before(async () => {
    pair = await startPair({ compressResponses: true })
  })
  after(() => pair.close())
  beforeEach(() => {
    pair.emu.clearVerdicts()
    pair.logs.length = 0
  })

  it('every method reaches the endpoint signed, its path and query as sent', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['PUT', '/methods', undefined],
      ['PUT', '/methods/_doc/1?refresh=true', '{"n":1}'],
      ['POST', '/methods/_doc/2?refresh=wait_for', '{"n":2}'],
      ['GET', '/methods/_doc/1', undefined],
      ['HEAD', '/methods/_doc/1', undefined],
      ['POST', '/methods/_update/1', '{"doc":{"n":3}}'],
      // (A query goes out in canonical form, `:` as %3A: the form SigV4 signs; written so here.)
      ['POST', '/methods/_search?q=n%3A3&size=5', undefined],
      ['GET', '/methods/_count', undefined],
      ['DELETE', '/methods/_doc/2', undefined],
      ['OPTIONS', '/methods', undefined],
      ['PATCH', '/methods', '{}'],
      ['DELETE', '/methods', undefined],
    ]
    for (const [method, path, body] of cases) {
      const answer = await send(pair.proxy.url, {
        method,
        path,
        ...(body === undefined ? {} : { body, headers: JSON_TYPE }),
      })
      expect(answer.status, `${method} ${path}`).to.be.below(500)
    }
    const verdicts = pair.emu.verdicts
    expect(
      verdicts.map((v) => `${v.method} ${v.path}${v.query ? `?${v.query}` : ''}`),
    ).to.deep.equal(cases.map(([method, path]) => `${method} ${path}`))
    expect(verdicts.every((v) => v.ok && v.accessKeyId === KEY.accessKeyId)).to.equal(true)
  })

  it('ids with every character the client must encode, and reserved characters in q', async () => {
    for (const id of TRICKY_IDS) {
      const path = `/tricky/_doc/${encodeURIComponent(id)}`
      const put = await send(pair.proxy.url, {
        method: 'PUT',
        path: `${path}?refresh=true`,
        headers: JSON_TYPE,
        body: JSON.stringify({ id }),
      })
      expect(put.status, id).to.equal(201)
      const got = await send(pair.proxy.url, { path })
      expect(got.json()._id, id).to.equal(id)
    }
    const q = encodeURIComponent('id:"a/b c" OR id:plus+sign OR id:(eq=ual)')
    const search = await send(pair.proxy.url, { path: `/tricky/_search?q=${q}&size=20` })
    expect(search.status).to.equal(200)
    expect(pair.emu.verdicts.every((v) => v.ok)).to.equal(true)
  })

  it('a body of unknown length (chunked) is read, hashed and sent with its length', async () => {
    const lines = Array.from(
      { length: 200 },
      (_, i) => `{"index":{"_index":"chunked","_id":"${i}"}}\n{"i":${i}}\n`,
    )
    const answer = await send(pair.proxy.url, {
      method: 'POST',
      path: '/_bulk?refresh=true',
      headers: { 'content-type': 'application/x-ndjson' },
      body: Readable.from(lines.map((line) => Buffer.from(line))),
    })
    expect(answer.status).to.equal(200)
    expect(answer.json().errors).to.equal(false)
    expect(pair.emu.store.documentCount('chunked')).to.equal(200)
    expect(pair.emu.verdicts.at(-1)?.ok).to.equal(true)
  })

  it('bulk bodies just below and above the off-thread threshold: both signed for the bytes sent', async () => {
    expect(await sha256Worker.ready(), 'the worker starts').to.equal(true)
    for (const [index, bytes, onWorker] of [
      ['below', OFFLOAD_MIN_BYTES - 1, 0],
      ['above', OFFLOAD_MIN_BYTES + 1, 1],
    ] as const) {
      const body = ndjsonOf(index, bytes)
      expect(body.length).to.equal(bytes)
      const before = { ...sha256Worker.counts }
      const answer = await send(pair.proxy.url, {
        method: 'POST',
        path: '/_bulk?refresh=true',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      })
      expect(answer.status, index).to.equal(200)
      expect(answer.json().errors, index).to.equal(false)
      expect(pair.emu.verdicts.at(-1)?.ok, index).to.equal(true)
      // The proxy holds the bytes it read: the worker copies them, never takes them.
      expect(sha256Worker.counts.copied - before.copied, index).to.equal(onWorker)
      expect(sha256Worker.counts.transferred, index).to.equal(before.transferred)
    }
    expect(pair.emu.store.documentCount('below')).to.be.greaterThan(0)
    expect(pair.emu.store.documentCount('above')).to.be.greaterThan(0)
  })

  it('Expect: 100-continue: the proxy says continue, then forwards the body', async () => {
    const answer = await send(pair.proxy.url, {
      method: 'PUT',
      path: '/continued/_doc/1',
      headers: JSON_TYPE,
      body: '{"a":1}',
      expectContinue: true,
    })
    expect(answer.continued).to.equal(true)
    expect(answer.status).to.equal(201)
    // The proxy answered the expectation itself: it is not forwarded.
    expect(pair.emu.verdicts.at(-1)?.signedHeaders).not.to.include('expect')
  })

  it('a compressed answer comes through as it came', async () => {
    const answer = await send(pair.proxy.url, {
      path: '/',
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(answer.headers['content-encoding']).to.equal('gzip')
    expect(JSON.parse(gunzipSync(answer.body).toString()).tagline).to.be.a('string')
  })

  it("a Location under the endpoint points at the proxy (OpenSearch Dashboards' redirects)", async () => {
    const off = pair.emu.onRequest((r) =>
      r.path === '/_dashboards'
        ? { status: 302, headers: { location: `${pair.emu.url}/_dashboards/app/home#/` } }
        : undefined,
    )
    try {
      const answer = await send(pair.proxy.url, { path: '/_dashboards' })
      expect(answer.status).to.equal(302)
      expect(answer.headers.location).to.equal(`${pair.proxy.url}/_dashboards/app/home#/`)
      // Asked as localhost: sent back as localhost.
      const named = await send(pair.proxy.url.replace('127.0.0.1', 'localhost'), {
        path: '/_dashboards',
      })
      expect(named.headers.location).to.match(/^http:\/\/localhost:\d+\/_dashboards\/app\/home/)
    } finally {
      off()
    }
  })

  it("the client's Authorization and X-Amz-* never go upstream; cookies and osd-xsrf do", async () => {
    let seen: Readonly<Record<string, string>> = {}
    let query = ''
    const off = pair.emu.onRequest((r) => {
      seen = r.headers
      query = r.query
      return undefined
    })
    try {
      const answer = await send(pair.proxy.url, {
        path: '/?X-Amz-Signature=0123abcd&X-Amz-Credential=AKIDCLIENT%2Fx&pretty=true',
        headers: {
          authorization: 'Basic Y2xpZW50OnBhc3N3b3Jk',
          'x-amz-security-token': 'a-token-of-the-client',
          'x-amz-date': '20200101T000000Z',
          cookie: 'security_authentication=abc; other=1',
          'osd-xsrf': 'true',
        },
      })
      expect(answer.status).to.equal(200)
    } finally {
      off()
    }
    expect(seen.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDPROXYTEST00001\//)
    expect(seen).not.to.have.property('x-amz-security-token')
    expect(seen['x-amz-date']).not.to.equal('20200101T000000Z')
    expect(seen.cookie).to.equal('security_authentication=abc; other=1')
    expect(seen['osd-xsrf']).to.equal('true')
    expect(query).to.equal('pretty=true')
    const entry = pair.requests().at(-1) as RequestLogEntry
    expect(entry.path).to.equal(
      '/?X-Amz-Signature=<redacted>&X-Amz-Credential=<redacted>&pretty=true',
    )
  })

  it('one log line per request: method, path, status, bytes, milliseconds', async () => {
    await send(pair.proxy.url, { path: '/_cat/indices?v=true' })
    const [entry] = pair.requests()
    expect(entry).to.include({
      type: 'request',
      method: 'GET',
      path: '/_cat/indices?v=true',
      status: 200,
    })
    expect(entry.bytes).to.be.above(0)
    expect(entry.ms).to.be.a('number').and.to.be.at.least(0)
    expect(Date.parse(entry.time)).not.to.be.NaN
  })
})

describe('proxy: answers streamed back as they arrive', function () {
  this.timeout(30_000)
  let upstream: Server
  let url: string
  const firstChunkSeen = gate()
  before(async () => {
    // An endpoint that verifies the signature, sends half its answer, and the rest only once the
    // test has received that half through the proxy: a proxy that buffered would never finish.
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const verdict = verifySignature(
          {
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            rawHeaders: req.rawHeaders,
            body: Buffer.concat(chunks),
          },
          { credentials: [KEY], region: REGION, service: 'es' },
        )
        if (!verdict.ok) {
          res.writeHead(403).end(verdict.message)
          return
        }
        res.writeHead(200, {
          'content-type': 'application/x-ndjson',
          connection: 'keep-alive, x-upstream-hop',
          'x-upstream-hop': 'only for this hop',
          'keep-alive': 'timeout=30',
          'x-kept': 'end to end',
        })
        res.write('{"part":1}\n')
        void firstChunkSeen.wait.then(() => res.end('{"part":2}\n'))
      })
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => upstream.close(() => resolve())))

  it('the first part reaches the client before the endpoint sends the rest; hop-by-hop headers stay behind', async () => {
    const proxy = await startSigningProxy({
      endpoint: url,
      region: REGION,
      credentials: KEY,
      listen: '127.0.0.1:0',
    })
    try {
      const response = await fetch(`${proxy.url}/_stream`)
      expect(response.status).to.equal(200)
      expect(response.headers.get('x-kept')).to.equal('end to end')
      expect(response.headers.get('x-upstream-hop')).to.equal(null)
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      const first = await reader.read()
      expect(Buffer.from(first.value as Uint8Array).toString()).to.equal('{"part":1}\n')
      firstChunkSeen.open()
      let rest = ''
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        rest += Buffer.from(next.value).toString()
      }
      expect(rest).to.equal('{"part":2}\n')
    } finally {
      await proxy.close()
    }
  })
})

describe('proxy: plain answers when the endpoint fails', function () {
  this.timeout(30_000)

  it('an endpoint that cannot be reached: 502, JSON naming the endpoint', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const logs: ProxyLogEntry[] = []
    const proxy = await startSigningProxy({
      endpoint: `http://127.0.0.1:${port}`,
      region: REGION,
      credentials: KEY,
      listen: '127.0.0.1:0',
      log: (e) => logs.push(e),
    })
    try {
      const answer = await send(proxy.url, { path: '/_search' })
      expect(answer.status).to.equal(502)
      const body = answer.json<{ error: { type: string; reason: string }; status: number }>()
      expect(body.status).to.equal(502)
      expect(body.error.type).to.equal('proxy_upstream_unreachable')
      expect(body.error.reason).to.include(`http://127.0.0.1:${port}`)
      expect(body.error.reason).to.include('ECONNREFUSED')
      const entry = logs.find((e): e is RequestLogEntry => e.type === 'request')
      expect(entry?.status).to.equal(502)
      expect(entry?.proxy).to.include('could not reach')
    } finally {
      await proxy.close()
    }
  })

  it('an endpoint that does not answer in time: 504, JSON naming the endpoint', async () => {
    const pair = await startPair({}, { timeoutMs: 100 })
    const late = gate()
    pair.emu.onRequest(async () => {
      await late.wait
      return undefined
    })
    try {
      const answer = await send(pair.proxy.url, { path: '/' })
      expect(answer.status).to.equal(504)
      const body = answer.json<{ error: { type: string; reason: string } }>()
      expect(body.error.type).to.equal('proxy_upstream_timeout')
      expect(body.error.reason).to.include(pair.emu.url)
      expect(body.error.reason).to.include('raise -m')
    } finally {
      late.open()
      await pair.close()
    }
  })

  it('an AWS 403 reaches the client unchanged; the log line says what it means, as diagnose does', async () => {
    const pair = await startPair(
      {},
      { credentials: { accessKeyId: 'AKIDUNKNOWNKEY0001', secretAccessKey: 'x' } },
    )
    try {
      const answer = await send(pair.proxy.url, { path: '/idx/_search' })
      expect(answer.status).to.equal(403)
      const verdict = pair.emu.verdicts.at(-1)
      expect(answer.json()).to.deep.equal({ message: verdict?.message })
      expect(answer.headers['x-amzn-requestid']).to.be.a('string')
      const entry = pair.requests().at(-1) as RequestLogEntry
      expect(entry.status).to.equal(403)
      expect(entry.aws).to.include('The security token included in the request is invalid')
      // diagnose's words for a key AWS does not know (interpret.ts).
      expect(entry.aws).to.include('key AKID…0001 (the credentials option)')
      expect(entry.aws).to.include('a wrong or deleted key')
    } finally {
      await pair.close()
    }
  })

  it('a compressed 403 is explained too; one that inflates past 1 MiB is passed on as it came, unexplained', async () => {
    // The emulator gzips its refusal; the proxy decodes it for the log line only.
    const pair = await startPair(
      { compressResponses: true },
      { credentials: { accessKeyId: 'AKIDUNKNOWNKEY0001', secretAccessKey: 'x' } },
    )
    try {
      const answer = await send(pair.proxy.url, {
        path: '/idx/_search',
        headers: { 'accept-encoding': 'gzip' },
      })
      expect(answer.status).to.equal(403)
      const entry = pair.requests().at(-1) as RequestLogEntry
      expect(entry.aws).to.include('The security token included in the request is invalid')
    } finally {
      await pair.close()
    }

    // An endpoint whose 403 is 64 KiB of gzip that inflates to 64 MiB.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'x'))
    const endpoint = createServer((req, res) => {
      req.resume()
      res.writeHead(403, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      })
      res.end(bomb)
    })
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve))
    const logs: ProxyLogEntry[] = []
    const proxy = await startSigningProxy({
      endpoint: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`,
      region: REGION,
      credentials: KEY,
      listen: '127.0.0.1:0',
      log: (e) => logs.push(e),
    })
    try {
      const answer = await send(proxy.url, {
        path: '/idx/_search',
        headers: { 'accept-encoding': 'gzip' },
      })
      expect(answer.status).to.equal(403)
      expect(answer.headers['content-encoding']).to.equal('gzip')
      expect(answer.body.equals(bomb)).to.equal(true)
      const entry = logs.filter((e): e is RequestLogEntry => e.type === 'request').at(-1)
      expect(entry?.status).to.equal(403)
      expect(entry?.aws).to.equal(undefined)
    } finally {
      await proxy.close()
      await new Promise<void>((resolve) => endpoint.close(() => resolve()))
    }
  })
})

/** An NDJSON bulk body of exactly `bytes` bytes (ASCII), indexing into `index`. */
function ndjsonOf(index: string, bytes: number): Buffer {
  const lines: string[] = []
  let length = 0
  for (let i = 0; length < bytes - 200 && i < 100_000; i++) {
    const line = `{"index":{"_index":"${index}","_id":"${i}"}}\n{"i":${i}}\n`
    lines.push(line)
    length += line.length
  }
  // The last document's text fills the rest exactly.
  const head = `{"index":{"_index":"${index}","_id":"last"}}\n{"t":"`
  const tail = '"}\n'
  lines.push(head + 'x'.repeat(bytes - length - head.length - tail.length) + tail)
  return Buffer.from(lines.join(''))
}
