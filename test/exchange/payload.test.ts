import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { bufferStream, preparePayload, preparePayloadNow } from '../../lib/exchange/payload'
import type { PayloadOptions } from '../../lib/exchange/payload'
import { EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD } from '../../lib/sigv4/constants'
import { AwsSigV4AbortError, AwsSigV4RequestError } from '../../lib/errors'

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex')
const opts = (o: Partial<PayloadOptions> = {}): PayloadOptions => ({
  maxBodyBytes: 1024,
  unsignedPayload: false,
  ...o,
})

describe('payload: hashing bodies', () => {
  it('hashes strings as UTF-8, Buffers as bytes, and nothing as the empty hash', async () => {
    expect((await preparePayload('héllo', opts())).hash).to.equal(sha('héllo'))
    const gz = gzipSync('{"a":1}')
    const p = await preparePayload(gz, opts())
    expect(p.hash).to.equal(sha(gz))
    expect(p.body).to.equal(gz)
    for (const none of [undefined, null, '']) {
      expect((await preparePayload(none, opts())).hash).to.equal(EMPTY_PAYLOAD_SHA256)
    }
  })

  it('buffers a stream, hashes it and reports its length', async () => {
    const p = await preparePayload(Readable.from([Buffer.from('ab'), 'cd']), opts())
    expect(p.body).to.deep.equal(Buffer.from('abcd'))
    expect(p.hash).to.equal(sha('abcd'))
    expect(p.contentLength).to.equal(4)
  })

  it('fails clearly, naming the cap and the options, for a stream over the cap', async () => {
    const stream = Readable.from([Buffer.alloc(600), Buffer.alloc(600)])
    const err = await preparePayload(stream, opts()).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(AwsSigV4RequestError)
    expect((err as Error).message).to.match(/maxBodyBytes \(1024 bytes\).*unsignedPayload/)
    expect(stream.destroyed).to.equal(true)
  })

  it('wraps a stream that errors midway', async () => {
    const stream = new Readable({
      read() {
        this.push('abc')
        this.destroy(new Error('disk gone'))
      },
    })
    const err = await preparePayload(stream, opts()).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(AwsSigV4RequestError)
    expect((err as Error).message).to.include('disk gone')
  })

  it('stops with an abort error when the signal fires while buffering', async () => {
    const controller = new AbortController()
    const stream = new Readable({ read() {} })
    stream.push('partial')
    const pending = bufferStream(stream, 1024, controller.signal)
    setTimeout(() => controller.abort(), 10)
    const err = await pending.catch((e: unknown) => e)
    expect(err).to.be.instanceOf(AwsSigV4AbortError)
    expect((err as Error).name).to.equal('RequestAbortedError')
  })

  it('sends UNSIGNED-PAYLOAD when opted in, passing streams through untouched', async () => {
    const stream = Readable.from(['x'])
    const p = await preparePayload(stream, opts({ unsignedPayload: 'streams' }))
    expect(p).to.deep.equal({ body: stream, hash: UNSIGNED_PAYLOAD })
    expect((await preparePayload('abc', opts({ unsignedPayload: 'streams' }))).hash).to.equal(
      sha('abc'),
    )
    expect((await preparePayload('abc', opts({ unsignedPayload: true }))).hash).to.equal(
      UNSIGNED_PAYLOAD,
    )
  })

  it('with unsignedPayload true, sends UNSIGNED-PAYLOAD without a body too (VPC Lattice)', async () => {
    for (const none of [undefined, null, '']) {
      expect(await preparePayload(none, opts({ unsignedPayload: true }))).to.deep.equal({
        body: none,
        hash: UNSIGNED_PAYLOAD,
      })
      // Only streams are unsigned with 'streams': no body still signs the empty hash.
      expect((await preparePayload(none, opts({ unsignedPayload: 'streams' }))).hash).to.equal(
        EMPTY_PAYLOAD_SHA256,
      )
    }
  })

  it('rejects a body type it cannot sign', async () => {
    const err = await preparePayload(42 as unknown as string, opts()).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(AwsSigV4RequestError)
  })
})

describe('payload: hashing now, without a promise (Node native SHA-256)', () => {
  it('hashes strings as UTF-8 and bytes as they are, keeping the very body', () => {
    expect(preparePayloadNow('héllo', false)).to.deep.equal({ body: 'héllo', hash: sha('héllo') })
    const bytes = Buffer.from([0, 1, 2, 255])
    const p = preparePayloadNow(bytes, 'streams')
    expect(p.body).to.equal(bytes)
    expect(p.hash).to.equal(sha(bytes))
    const view = new Uint8Array([104, 105])
    expect(preparePayloadNow(view, false).hash).to.equal(sha('hi'))
  })

  it('no body: the empty hash, or UNSIGNED-PAYLOAD when every payload is unsigned', () => {
    for (const none of [undefined, null, '']) {
      expect(preparePayloadNow(none, false)).to.deep.equal({
        body: none,
        hash: EMPTY_PAYLOAD_SHA256,
      })
      expect(preparePayloadNow(none, true).hash).to.equal(UNSIGNED_PAYLOAD)
    }
    expect(preparePayloadNow('abc', true).hash).to.equal(UNSIGNED_PAYLOAD)
  })

  it('gives what preparePayload gives', async () => {
    for (const body of ['', 'a', 'é'.repeat(1000), Buffer.alloc(70_000, 7), undefined]) {
      for (const unsignedPayload of [false, 'streams', true] as const) {
        expect(preparePayloadNow(body, unsignedPayload)).to.deep.equal(
          await preparePayload(body, opts({ unsignedPayload })),
        )
      }
    }
  })

  it('rejects a body type it cannot sign', () => {
    expect(() => preparePayloadNow(42 as unknown as string, false)).to.throw(AwsSigV4RequestError)
  })
})
