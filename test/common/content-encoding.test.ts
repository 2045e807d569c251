import { expect } from 'chai'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { decodeBody, isTransportDecoded, unzipBody } from '../../lib/common/content-encoding'

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

  it('decodes one content-encoding value, and leaves other bodies alone', () => {
    expect(decodeBody(gzipSync('{"a":1}'), ' GZIP ').toString()).to.equal('{"a":1}')
    expect(decodeBody(gzipSync('g'), 'x-gzip').toString()).to.equal('g')
    expect(decodeBody(deflateSync('d'), 'deflate').toString()).to.equal('d')
    expect(decodeBody(brotliCompressSync('b'), 'br').toString()).to.equal('b')
    expect(decodeBody(Buffer.from('x'), undefined).toString()).to.equal('x')
    expect(decodeBody(Buffer.from('x'), 'identity').toString()).to.equal('x')
    expect(() => decodeBody(Buffer.from('not gzip'), 'gzip')).to.throw()
  })
})
