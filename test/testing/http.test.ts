import { expect } from 'chai'
import { acceptsGzip, joinedHeaders } from '../../lib/testing/http'

describe('emulator http: what arrived', () => {
  it('joins raw headers by lower-case name, skipping what it is told to', () => {
    const raw = ['X-A', '1', 'x-a', '2', 'Authorization', 'secret', 'Host', 'h']
    expect(joinedHeaders(raw)).to.deep.equal({ 'x-a': '1, 2', authorization: 'secret', host: 'h' })
    expect(joinedHeaders(raw, (name) => name === 'authorization')).to.deep.equal({
      'x-a': '1, 2',
      host: 'h',
    })
  })

  it('tells whether an accept-encoding takes gzip', () => {
    for (const yes of ['gzip,deflate', 'deflate, GZIP', 'gzip;q=0.5', '*', ['br', 'gzip']]) {
      expect(acceptsGzip(yes), String(yes)).to.equal(true)
    }
    for (const no of [undefined, '', 'deflate', 'br', 'gzip;q=0', 'identity', 'gzipx']) {
      expect(acceptsGzip(no), String(no)).to.equal(false)
    }
  })
})
