// The connection's credential behaviour, through the proxy: refresh ahead of expiry in a single
// flight, a revoked key replaced and the request retried, a skewed clock learned and the request
// retried, no retry that cannot send anything new or whose body was streamed; Serverless and VPC
// Lattice signed by their rules; and 1,000 requests at 64 in flight, every one verified.
import { expect } from 'chai'
import { Readable } from 'node:stream'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AwsCredentialIdentity } from '@smithy/types'
import { startSigningProxy, type RequestLogEntry } from '../../../lib/cli/proxy'
import { withoutNock } from '../../reliability/support'
import { KEY, REGION, send, startPair } from './support'

const JSON_TYPE = { 'content-type': 'application/json' }
const keyN = (n: number): AwsCredentialIdentity => ({
  accessKeyId: `AKIDPROXYROTATE${String(n).padStart(4, '0')}`,
  secretAccessKey: `rotate-secret-${n}`,
  sessionToken: `rotate-token-${n}`,
})
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('proxy: credentials as the connection handles them', function () {
  this.timeout(60_000)

  it('refreshed ahead of expiry in one flight: 50 requests at once, one provider call', async () => {
    let calls = 0
    const provider = async (): Promise<AwsCredentialIdentity> => {
      calls += 1
      await sleep(20)
      // Two seconds of life: refreshed once about half of it is gone, stale past 1.5 s.
      return { ...keyN(calls), expiration: new Date(Date.now() + 2_000) }
    }
    const pair = await startPair(
      { credentials: [keyN(1), keyN(2), keyN(3)] },
      { credentials: provider },
    )
    try {
      expect(calls).to.equal(1)
      await sleep(1_600)
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => send(pair.proxy.url, { path: '/_cat/indices' })),
      )
      expect(answers.every((a) => a.status === 200)).to.equal(true)
      expect(calls).to.equal(2)
      expect(new Set(pair.emu.verdicts.map((v) => v.accessKeyId))).to.deep.equal(
        new Set([keyN(2).accessKeyId]),
      )
    } finally {
      await pair.close()
    }
  })

  for (const kind of ['expired', 'invalid'] as const) {
    it(`a key revoked (${kind} token): fresh credentials fetched, the request retried once and answered`, async () => {
      let calls = 0
      const provider = async (): Promise<AwsCredentialIdentity> => keyN(++calls)
      const pair = await startPair({ credentials: [keyN(1), keyN(2)] }, { credentials: provider })
      try {
        expect((await send(pair.proxy.url, { path: '/' })).status).to.equal(200)
        pair.emu.revoke(keyN(1).accessKeyId, { kind })
        const answer = await send(pair.proxy.url, {
          method: 'PUT',
          path: '/rotated/_doc/1?refresh=true',
          headers: JSON_TYPE,
          body: '{"a":1}',
        })
        expect(answer.status).to.equal(201)
        expect(pair.emu.verdicts.map((v) => [v.accessKeyId, v.status])).to.deep.equal([
          [keyN(1).accessKeyId, 200],
          [keyN(1).accessKeyId, 403],
          [keyN(2).accessKeyId, 201],
        ])
        expect(pair.requests().at(-1)).to.include({ status: 201, retried: true })
        expect(calls).to.equal(2)
      } finally {
        await pair.close()
      }
    })
  }

  it('a revoked key the provider keeps handing back: no retry, the 403 reaches the client with its meaning', async () => {
    const pair = await startPair({ credentials: [KEY] }, { credentials: async () => KEY })
    try {
      pair.emu.revoke(KEY.accessKeyId)
      const answer = await send(pair.proxy.url, { path: '/' })
      expect(answer.status).to.equal(403)
      expect(answer.json().message).to.equal(
        'The security token included in the request is expired',
      )
      expect(pair.emu.verdicts).to.have.length(1)
      const entry = pair.requests().at(-1) as RequestLogEntry
      expect(entry.retried).to.equal(undefined)
      expect(entry.aws).to.include('have expired')
    } finally {
      await pair.close()
    }
  })

  it('a clock 15 minutes off: learned from the refusal, the request retried and answered; the next is dated right', async () => {
    const pair = await startPair({ clockSkewMs: 15 * 60_000 })
    try {
      const answer = await send(pair.proxy.url, {
        method: 'POST',
        path: '/_search',
        headers: JSON_TYPE,
        body: '{"query":{"match_all":{}}}',
      })
      expect(answer.status).to.equal(200)
      expect(pair.emu.verdicts.map((v) => v.reason)).to.deep.equal(['expired', 'ok'])
      expect((await send(pair.proxy.url, { path: '/' })).status).to.equal(200)
      expect(pair.emu.verdicts).to.have.length(3)
    } finally {
      await pair.close()
    }
  })
})

describe('proxy: OpenSearch Serverless and VPC Lattice rules', function () {
  this.timeout(60_000)

  it('Serverless: signed for aoss with x-amz-content-sha256; its bare 403 passed on as it came', async () => {
    const pair = await startPair({ service: 'aoss' }, { service: 'aoss' })
    try {
      expect((await send(pair.proxy.url, { path: '/_cat/indices' })).status).to.equal(200)
      const put = await send(pair.proxy.url, {
        method: 'PUT',
        path: '/aoss-index/_doc/1',
        headers: JSON_TYPE,
        body: '{"a":1}',
      })
      expect(put.status).to.equal(201)
      expect(
        pair.emu.verdicts.every((v) => v.ok && v.signedHeaders?.includes('x-amz-content-sha256')),
      ).to.equal(true)
    } finally {
      await pair.close()
    }
    const refused = await startPair(
      { service: 'aoss' },
      { service: 'aoss', credentials: { accessKeyId: 'AKIDNOTKNOWNHERE01', secretAccessKey: 'x' } },
    )
    try {
      const answer = await send(refused.proxy.url, { path: '/_cat/indices' })
      expect(answer.status).to.equal(403)
      const body = answer.json<{ error: Record<string, unknown> }>()
      expect(body.error.type).to.equal('Forbidden')
      // No hint put into the body (the connection adds one for the client's error message).
      expect(body.error).not.to.have.property('caused_by')
      const entry = refused.requests().at(-1) as RequestLogEntry
      expect(entry.aws).to.include('OpenSearch Serverless does not say why it refuses')
      expect(entry.aws).to.include('aoss:APIAccessAll')
    } finally {
      await refused.close()
    }
  })

  it('Serverless through a tunnel: --signing-host names the collection, and region and service follow', async () => {
    const collection = 'abc123def456.eu-west-1.aoss.amazonaws.com'
    const pair = await startPair(
      { service: 'aoss', expectedHost: collection },
      { region: undefined, signingHost: collection },
    )
    try {
      expect((await send(pair.proxy.url, { path: '/_cat/indices' })).status).to.equal(200)
      expect(pair.emu.verdicts.at(-1)?.ok).to.equal(true)
      const note = pair.logs.find((e) => e.type === 'note')
      expect(note && 'message' in note ? note.message : '').to.include(
        'service aoss (from the host)',
      )
    } finally {
      await pair.close()
    }
  })

  it('VPC Lattice: UNSIGNED-PAYLOAD, and a body larger than the buffer budget streams through', async () => {
    const pair = await startPair(
      { service: 'vpc-lattice-svcs' },
      { service: 'vpc-lattice-svcs', maxBodyBytes: 1024 * 1024, maxBufferedBytes: 1024 * 1024 },
    )
    let payloadHash = ''
    let received = 0
    pair.emu.onRequest((r) => {
      payloadHash = r.headers['x-amz-content-sha256']
      received = r.body.length
      return { status: 200, body: { received: r.body.length } }
    })
    try {
      const chunks = Array.from({ length: 48 }, () => Buffer.alloc(64 * 1024, 'l'))
      const answer = await send(pair.proxy.url, {
        method: 'POST',
        path: '/ingest',
        headers: { 'content-type': 'application/octet-stream' },
        body: Readable.from(chunks),
      })
      expect(answer.status).to.equal(200)
      expect(received).to.equal(48 * 64 * 1024)
      expect(payloadHash).to.equal('UNSIGNED-PAYLOAD')
      expect(pair.emu.verdicts.at(-1)?.ok).to.equal(true)
    } finally {
      await pair.close()
    }
  })

  it('VPC Lattice: a streamed body is never sent twice, even when a retry would help', async () => {
    let calls = 0
    const pair = await startPair(
      { service: 'vpc-lattice-svcs', credentials: [keyN(1), keyN(2)] },
      { service: 'vpc-lattice-svcs', credentials: async () => keyN(++calls) },
    )
    try {
      pair.emu.revoke(keyN(1).accessKeyId)
      const streamed = await send(pair.proxy.url, {
        method: 'POST',
        path: '/ingest',
        body: Readable.from([Buffer.from('once')]),
      })
      expect(streamed.status).to.equal(403)
      expect(pair.emu.verdicts).to.have.length(1)
      // The refusal was learned from: the next request signs with the fresh key.
      expect((await send(pair.proxy.url, { path: '/' })).status).to.be.below(400)
      expect(pair.emu.verdicts.at(-1)?.accessKeyId).to.equal(keyN(2).accessKeyId)
    } finally {
      await pair.close()
    }
  })
})

describe('proxy: load', function () {
  this.timeout(120_000)

  it('1,000 requests at 64 in flight: every one answered and verified', async () => {
    const pair = await startPair()
    try {
      let next = 0
      const statuses: number[] = []
      const worker = async (): Promise<void> => {
        while (next < 1_000) {
          const i = next++
          const answer =
            i % 2 === 0
              ? await send(pair.proxy.url, {
                  method: 'PUT',
                  path: `/load/_doc/${i}`,
                  headers: JSON_TYPE,
                  body: JSON.stringify({ i }),
                })
              : await send(pair.proxy.url, { path: `/load/_search?q=i:${i - 1}` })
          statuses.push(answer.status)
        }
      }
      await Promise.all(Array.from({ length: 64 }, worker))
      expect(statuses).to.have.length(1_000)
      expect(statuses.every((s) => s === 200 || s === 201)).to.equal(true)
      const verdicts = pair.emu.verdicts
      expect(verdicts).to.have.length(1_000)
      expect(verdicts.every((v) => v.ok)).to.equal(true)
      expect(pair.emu.store.documentCount('load')).to.equal(500)
      expect(pair.requests()).to.have.length(1_000)
    } finally {
      await pair.close()
    }
  })
})

// An endpoint that drops a kept-alive connection when the next request arrives on it, as one
// that closed it while idle does just as the proxy reuses it.
describe('proxy: pooled connections the endpoint closed', function () {
  this.timeout(30_000)
  // nock's interception (other files load it) opens a new socket per request: none is reused.
  withoutNock()
  let server: Server
  let url: string
  const seen = new WeakMap<object, number>()
  let dropped = 0
  before(async () => {
    server = createServer((req, res) => {
      const count = (seen.get(req.socket) ?? 0) + 1
      seen.set(req.socket, count)
      if (count > 1) {
        dropped += 1
        req.socket.destroy()
        return
      }
      req.resume()
      req.on('end', () => res.end('{}'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('a buffered request is sent once more on a new connection; a streamed one is not', async () => {
    const proxy = await startSigningProxy({
      endpoint: url,
      region: REGION,
      credentials: KEY,
      listen: '127.0.0.1:0',
    })
    try {
      // Until one lands on a kept-alive connection (the first always opens one): at most 20.
      for (let i = 0; i < 20 && dropped === 0; i++) {
        const answer = await send(proxy.url, { method: 'POST', path: '/x', body: '{}' })
        expect(answer.status).to.equal(200)
      }
      expect(dropped, 'no request reused a pooled connection').to.be.at.least(1)
    } finally {
      await proxy.close()
    }
    const lattice = await startSigningProxy({
      endpoint: url,
      region: REGION,
      service: 'vpc-lattice-svcs',
      credentials: KEY,
      listen: '127.0.0.1:0',
    })
    try {
      const before = dropped
      let streamedOnStale: number | undefined
      for (let i = 0; i < 20 && streamedOnStale === undefined; i++) {
        const seenBefore = dropped
        const answer = await send(lattice.url, {
          method: 'POST',
          path: '/x',
          body: Readable.from([Buffer.from('{}')]),
        })
        if (dropped > seenBefore) streamedOnStale = answer.status
        else expect(answer.status).to.equal(200)
      }
      expect(dropped).to.be.above(before)
      // Its body was streamed and cannot be sent again: the failure is the client's to see.
      expect(streamedOnStale).to.equal(502)
    } finally {
      await lattice.close()
    }
  })
})
