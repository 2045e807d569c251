// Safe by default, bounded memory, clean stop: --read-only refuses writes before they leave,
// loopback only unless allowed, a client token when required, browsers only from allowed
// origins; request bodies capped per request and in total; close() lets requests in flight end.
import { expect } from 'chai'
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { AwsSigV4ConfigurationError } from '../../../lib/errors'
import { startSigningProxy } from '../../../lib/cli/proxy'
import { KEY, REGION, gate, send, startPair, type Pair } from './support'

const TOKEN = 'token-for-the-proxy-tests-0123456789'
const JSON_TYPE = { 'content-type': 'application/json' }
const MIB = 1024 * 1024
/** A JSON document of exactly `bytes` bytes. */
const docOf = (bytes: number): Buffer =>
  Buffer.from(`{"pad":"${'z'.repeat(bytes - '{"pad":""}'.length)}"}`)

interface ErrorBody {
  status: number
  error: { type: string; reason: string }
}

describe('proxy: --read-only', function () {
  this.timeout(30_000)
  let pair: Pair
  before(async () => {
    pair = await startPair({}, { readOnly: true })
    pair.emu.store.handle({
      method: 'PUT',
      segments: ['books', '_doc', '1'],
      query: new Map([['refresh', 'true']]),
      body: Buffer.from('{"title":"dune"}'),
    })
  })
  after(() => pair.close())

  it('reads pass: GET, HEAD, _search, scroll and clearing it, _count', async () => {
    expect((await send(pair.proxy.url, { path: '/books/_doc/1' })).status).to.equal(200)
    expect((await send(pair.proxy.url, { method: 'HEAD', path: '/books/_doc/1' })).status).to.equal(
      200,
    )
    const search = await send(pair.proxy.url, {
      method: 'POST',
      path: '/books/_search?scroll=1m',
      headers: JSON_TYPE,
      body: '{"query":{"match_all":{}}}',
    })
    expect(search.status).to.equal(200)
    const scrollId = search.json<{ _scroll_id: string }>()._scroll_id
    const next = await send(pair.proxy.url, {
      method: 'POST',
      path: '/_search/scroll',
      headers: JSON_TYPE,
      body: JSON.stringify({ scroll: '1m', scroll_id: scrollId }),
    })
    expect(next.status).to.equal(200)
    const cleared = await send(pair.proxy.url, {
      method: 'DELETE',
      path: '/_search/scroll',
      headers: JSON_TYPE,
      body: JSON.stringify({ scroll_id: scrollId }),
    })
    expect(cleared.status).to.equal(200)
    expect((await send(pair.proxy.url, { method: 'POST', path: '/books/_count' })).status).to.equal(
      200,
    )
  })

  it('every write is refused with 403 and a JSON reason, and nothing reaches the endpoint', async () => {
    pair.emu.clearVerdicts()
    const writes: Array<[string, string, string | undefined]> = [
      ['PUT', '/books/_doc/2', '{"title":"emma"}'],
      ['POST', '/books/_doc', '{"title":"emma"}'],
      ['POST', '/books/_doc/_search', '{"title":"a document with id _search"}'],
      ['DELETE', '/books/_doc/1', undefined],
      ['DELETE', '/books', undefined],
      ['POST', '/_bulk', '{"delete":{"_index":"books","_id":"1"}}\n'],
      ['POST', '/books/_update/1', '{"doc":{"title":"x"}}'],
      ['POST', '/books/_delete_by_query', '{"query":{"match_all":{}}}'],
    ]
    for (const [method, path, body] of writes) {
      const answer = await send(pair.proxy.url, {
        method,
        path,
        ...(body === undefined ? {} : { body, headers: JSON_TYPE }),
      })
      expect(answer.status, `${method} ${path}`).to.equal(403)
      const error = answer.json<ErrorBody>()
      expect(error.error.type).to.equal('proxy_read_only')
      expect(error.error.reason).to.include(`${method} ${path}`)
    }
    expect(pair.emu.verdicts).to.have.length(0)
    expect(pair.emu.store.documentCount('books')).to.equal(1)
    expect(
      pair
        .requests()
        .filter((e) => e.status === 403)
        .every((e) => e.proxy?.includes('--read-only')),
    ).to.equal(true)
  })
})

describe('proxy: who may reach it', function () {
  this.timeout(30_000)

  it('listens on loopback only: anything else is refused at start, naming allowRemote', async () => {
    const err = await startSigningProxy({
      endpoint: 'http://127.0.0.1:9',
      region: REGION,
      credentials: KEY,
      listen: '0.0.0.0:0',
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
    expect((err as AwsSigV4ConfigurationError).option).to.equal('allowRemote')
    expect((err as Error).message).to.include('acts with your IAM identity')
  })

  it('with allowRemote: a warning; with a client token: 401 without it, 200 with it, never logged', async () => {
    const pair = await startPair({}, { listen: '0.0.0.0:0', allowRemote: true, clientToken: TOKEN })
    try {
      const warning = pair.logs.find((e) => e.type === 'warning')
      expect(warning && 'message' in warning ? warning.message : '').to.include(
        'acts with your IAM identity',
      )
      const url = pair.proxy.url.replace('0.0.0.0', '127.0.0.1')
      const without = await send(url)
      expect(without.status).to.equal(401)
      expect(without.headers['www-authenticate']).to.match(/^Basic /)
      expect(without.json<ErrorBody>().error.type).to.equal('proxy_client_token_required')
      const wrong = await send(url, { headers: { authorization: `Bearer ${TOKEN}0` } })
      expect(wrong.status).to.equal(401)
      const bearer = await send(url, { headers: { authorization: `Bearer ${TOKEN}` } })
      expect(bearer.status).to.equal(200)
      const basic = Buffer.from(`elasticdump:${TOKEN}`).toString('base64')
      const withBasic = await send(url, { headers: { authorization: `Basic ${basic}` } })
      expect(withBasic.status).to.equal(200)
      // Reached under a name that is not loopback: fine, since remote access was asked for.
      expect(pair.emu.verdicts).to.have.length(2)
      expect(JSON.stringify(pair.logs)).not.to.include(TOKEN)
      expect(JSON.stringify(pair.logs)).not.to.include(basic)
    } finally {
      await pair.close()
    }
  })

  it('a browser request from another origin is refused unless given with cors; a preflight is answered', async () => {
    const pair = await startPair({}, { cors: 'http://localhost:3000' })
    try {
      const other = await send(pair.proxy.url, {
        path: '/',
        headers: { origin: 'https://elsewhere.example' },
      })
      expect(other.status).to.equal(403)
      expect(other.json<ErrorBody>().error.reason).to.include('--cors')
      const preflight = await send(pair.proxy.url, {
        method: 'OPTIONS',
        path: '/books/_search',
        headers: {
          origin: 'http://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      })
      expect(preflight.status).to.equal(204)
      expect(preflight.headers['access-control-allow-origin']).to.equal('http://localhost:3000')
      expect(preflight.headers['access-control-allow-headers']).to.equal('content-type')
      const allowed = await send(pair.proxy.url, {
        path: '/',
        headers: { origin: 'http://localhost:3000' },
      })
      expect(allowed.status).to.equal(200)
      expect(allowed.headers['access-control-allow-origin']).to.equal('http://localhost:3000')
      expect(allowed.headers.vary).to.include('Origin')
      // The preflight was answered here, never forwarded.
      expect(pair.emu.verdicts.map((v) => v.method)).to.deep.equal(['GET'])
    } finally {
      await pair.close()
    }
  })
})

describe('proxy: bounded memory', function () {
  this.timeout(60_000)

  it('a body over maxBodyBytes: 413 before it is read (declared) or as soon as it grows past (chunked)', async () => {
    const pair = await startPair({}, { maxBodyBytes: MIB })
    try {
      const declared = await send(pair.proxy.url, {
        method: 'POST',
        path: '/_bulk',
        headers: { 'content-type': 'application/x-ndjson' },
        body: Buffer.alloc(MIB + 1, 'x'),
        expectContinue: true,
      })
      expect(declared.status).to.equal(413)
      // Refused before the body was asked for.
      expect(declared.continued).to.equal(false)
      expect(declared.json<ErrorBody>().error.reason).to.include('--max-body-bytes (1048576 bytes)')
      const chunks = Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 'y'))
      const chunked = await send(pair.proxy.url, {
        method: 'POST',
        path: '/_bulk',
        headers: { 'content-type': 'application/x-ndjson' },
        body: Readable.from(chunks),
      }).catch((err: NodeJS.ErrnoException) => err)
      // The proxy answers 413 and closes; a client still sending may see the reset instead.
      if (!(chunked instanceof Error)) expect(chunked.status).to.equal(413)
      else expect(chunked.code).to.be.oneOf(['ECONNRESET', 'EPIPE'])
      expect(pair.emu.verdicts).to.have.length(0)
      expect(pair.requests().map((e) => e.status)).to.include(413)
    } finally {
      await pair.close()
    }
  })

  it('16 concurrent 1 MiB bodies with room for 3: never more than 3 held, and every one is sent', async () => {
    const pair = await startPair(
      {},
      { maxBodyBytes: MIB, maxBufferedBytes: 3 * MIB, bufferWaitMs: 30_000 },
    )
    let inside = 0
    let most = 0
    const release = gate()
    pair.emu.onRequest(async () => {
      inside += 1
      most = Math.max(most, inside)
      await release.wait
      inside -= 1
      return { status: 200, body: { ok: true } }
    })
    try {
      const body = docOf(MIB)
      const all = Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          send(pair.proxy.url, { method: 'PUT', path: `/big/_doc/${i}`, headers: JSON_TYPE, body }),
        ),
      )
      // Let every request arrive: three are held at the endpoint, thirteen wait at the proxy.
      for (let i = 0; i < 200 && inside < 3; i++) await new Promise((r) => setTimeout(r, 10))
      await new Promise((r) => setTimeout(r, 100))
      expect(inside).to.equal(3)
      release.open()
      const answers = await all
      expect(answers.map((a) => a.status)).to.deep.equal(new Array(16).fill(200))
      expect(most).to.equal(3)
      expect(pair.emu.verdicts.filter((v) => v.ok)).to.have.length(16)
    } finally {
      release.open()
      await pair.close()
    }
  })

  it('no room within bufferWaitMs: 503 with Retry-After, nothing sent; later requests pass', async () => {
    const pair = await startPair({}, { maxBodyBytes: MIB, maxBufferedBytes: MIB, bufferWaitMs: 50 })
    const release = gate()
    const off = pair.emu.onRequest(async () => {
      await release.wait
      return undefined
    })
    try {
      const body = docOf(MIB)
      const first = send(pair.proxy.url, {
        method: 'PUT',
        path: '/held/_doc/1',
        headers: JSON_TYPE,
        body,
      })
      for (let i = 0; i < 200 && pair.emu.verdicts.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10))
      }
      const second = await send(pair.proxy.url, {
        method: 'PUT',
        path: '/held/_doc/2',
        headers: JSON_TYPE,
        body,
      })
      expect(second.status).to.equal(503)
      expect(second.headers['retry-after']).to.equal('1')
      expect(second.json<ErrorBody>().error.type).to.equal('proxy_busy')
      expect(pair.emu.verdicts).to.have.length(1)
      release.open()
      off()
      expect((await first).status).to.equal(201)
      const third = await send(pair.proxy.url, {
        method: 'PUT',
        path: '/held/_doc/3',
        headers: JSON_TYPE,
        body,
      })
      expect(third.status).to.equal(201)
    } finally {
      release.open()
      await pair.close()
    }
  })
})

describe('proxy: close()', function () {
  this.timeout(30_000)

  it('stops accepting, lets the request in flight finish, then resolves', async () => {
    const pair = await startPair({}, { graceMs: 10_000 })
    const release = gate()
    let arrived = false
    pair.emu.onRequest(async () => {
      arrived = true
      await release.wait
      return undefined
    })
    try {
      const inFlight = send(pair.proxy.url, { path: '/' })
      for (let i = 0; i < 200 && !arrived; i++) await new Promise((r) => setTimeout(r, 10))
      const closing = pair.proxy.close()
      const port = Number(new URL(pair.proxy.url).port)
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1')
        socket.on('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
      })
      expect(refused).to.equal('ECONNREFUSED')
      release.open()
      const answer = await inFlight
      expect(answer.status).to.equal(200)
      expect(answer.headers.connection).to.equal('close')
      await closing
    } finally {
      release.open()
      await pair.close()
    }
  })

  it('a request still running after graceMs is cut off, and close() resolves', async () => {
    const pair = await startPair({}, { graceMs: 50 })
    const never = gate()
    let arrived = false
    pair.emu.onRequest(async () => {
      arrived = true
      await never.wait
      return undefined
    })
    try {
      const inFlight = send(pair.proxy.url, { path: '/' }).then(
        () => 'answered',
        () => 'cut off',
      )
      for (let i = 0; i < 200 && !arrived; i++) await new Promise((r) => setTimeout(r, 10))
      await pair.proxy.close()
      expect(await inFlight).to.equal('cut off')
    } finally {
      never.open()
      await pair.close()
    }
  })
})
