import { expect } from 'chai'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import {
  decodeBodyCapped,
  isDecodedTooLarge,
  isTransportDecoded,
  unzipBody,
} from '../../lib/common/content-encoding'

describe('content-encoding', () => {
  it('tells the codings the transports decode (gzip, deflate) from the rest', () => {
    for (const yes of ['gzip', 'GZIP', 'x-gzip', 'deflate', 'br, gzip', ['identity', 'deflate']]) {
      expect(isTransportDecoded(yes), String(yes)).to.equal(true)
    }
    for (const no of [undefined, '', 'br', 'identity', 12, []]) {
      expect(isTransportDecoded(no), String(no)).to.equal(false)
    }
  })

  it('unzips gzip and deflate as the transports do, and rejects a corrupt body', async () => {
    expect((await unzipBody(gzipSync('{"a":1}'))).toString()).to.equal('{"a":1}')
    expect((await unzipBody(deflateSync('{"b":2}'))).toString()).to.equal('{"b":2}')
    const err = await unzipBody(Buffer.from('not gzip')).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(Error)
  })

  it('decodes one content-encoding value, and leaves other bodies alone', async () => {
    const cap = 1024
    const decoded = async (body: Buffer, coding: string | undefined) =>
      (await decodeBodyCapped(body, coding, cap)).toString()
    expect(await decoded(gzipSync('{"a":1}'), ' GZIP ')).to.equal('{"a":1}')
    expect(await decoded(gzipSync('g'), 'x-gzip')).to.equal('g')
    expect(await decoded(deflateSync('d'), 'deflate')).to.equal('d')
    expect(await decoded(brotliCompressSync('b'), 'br')).to.equal('b')
    expect(await decoded(Buffer.from('x'), undefined)).to.equal('x')
    expect(await decoded(Buffer.from('x'), 'identity')).to.equal('x')
    const err = await decodeBodyCapped(Buffer.from('not gzip'), 'gzip', cap).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(Error)
    expect(isDecodedTooLarge(err)).to.equal(false)
  })
})

describe('content-encoding: decoding with a cap', () => {
  // 64 MiB of zeros, 64 KiB gzipped.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))

  it('stops a body that decodes past the cap, with the error that says so', async () => {
    const err = await unzipBody(bomb, 1024 * 1024).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isDecodedTooLarge(err)).to.equal(true)
  })

  it('decodes gzip, x-gzip, deflate and br within the cap, refuses each past it', async () => {
    const text = Buffer.from('{"a":1}')
    const packs = [
      ['gzip', gzipSync],
      ['x-gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const
    for (const [encoding, pack] of packs) {
      expect((await decodeBodyCapped(pack(text), encoding, 7)).equals(text), encoding).to.equal(
        true,
      )
      const err = await decodeBodyCapped(pack(text), encoding, 6).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isDecodedTooLarge(err), encoding).to.equal(true)
    }
    expect((await decodeBodyCapped(text, 'identity', 1)).equals(text)).to.equal(true)
    const corrupt = await decodeBodyCapped(Buffer.from('not gzip'), 'gzip', 100).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(corrupt).to.be.instanceOf(Error)
    expect(isDecodedTooLarge(corrupt)).to.equal(false)
  })
})
