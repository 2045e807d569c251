import { expect } from 'chai'
import {
  canonicalHeaderValue,
  canonicalHeaders,
  isUnsignable,
} from '../../lib/sigv4/canonical-headers'
import type { RequestToSign } from '../../lib/sigv4/types'

const HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

function request(overrides: Partial<RequestToSign> = {}): RequestToSign {
  return {
    method: 'POST',
    host: 'search-d.eu-west-1.es.amazonaws.com',
    path: '/events/_doc/a%2Fb',
    query: 'refresh=true',
    headers: { 'content-type': 'application/json' },
    payloadHash: HASH,
    ...overrides,
  }
}

describe('canonical-headers: header values', () => {
  it('leaves a clean value as it is', () => {
    expect(canonicalHeaderValue('application/json; charset=utf-8')).to.equal(
      'application/json; charset=utf-8',
    )
  })

  it('turns line breaks into spaces and runs of spaces and tabs into one space', () => {
    expect(canonicalHeaderValue('a\r\n  b\tc \t d\ne')).to.equal('a b c d e')
  })

  it('drops one leading and one trailing space (after folding)', () => {
    expect(canonicalHeaderValue('  a  ')).to.equal('a')
    expect(canonicalHeaderValue('\ta\t')).to.equal('a')
    expect(canonicalHeaderValue(' ')).to.equal('')
  })
})

describe('canonical-headers: which headers are signed', () => {
  it('leaves out what AWS never signs: hop-by-hop, user-agent, proxy-*, sec-*', () => {
    for (const name of ['authorization', 'connection', 'user-agent', 'expect', 'x-amzn-trace-id']) {
      expect(isUnsignable(name), name).to.equal(true)
    }
    expect(isUnsignable('proxy-authorization')).to.equal(true)
    expect(isUnsignable('sec-fetch-mode')).to.equal(true)
    for (const name of ['content-type', 'host', 'x-amz-date', 'accept', 'x-proxy']) {
      expect(isUnsignable(name), name).to.equal(false)
    }
  })

  it('the usual request: content-type, host, hash, date, token, in order', () => {
    const headers = canonicalHeaders(request(), '20260101T120000Z', 'TOKEN')
    expect(headers.lines).to.equal(
      'content-type:application/json\n' +
        'host:search-d.eu-west-1.es.amazonaws.com\n' +
        `x-amz-content-sha256:${HASH}\n` +
        'x-amz-date:20260101T120000Z\n' +
        'x-amz-security-token:TOKEN\n',
    )
    expect(headers.signed).to.equal(
      'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token',
    )
  })

  it('no content-type, no token (nor an empty one), no hash header when it is not signed', () => {
    for (const token of [undefined, '']) {
      const headers = canonicalHeaders(
        request({ headers: {}, signPayloadHashHeader: false }),
        '20260101T120000Z',
        token,
      )
      expect(headers.lines).to.equal(
        'host:search-d.eu-west-1.es.amazonaws.com\nx-amz-date:20260101T120000Z\n',
      )
      expect(headers.signed).to.equal('host;x-amz-date')
    }
  })

  it('other headers: sorted in, folded, unsignable and generated ones left out, ours winning', () => {
    const headers = canonicalHeaders(
      request({
        headers: {
          'x-b': ' two  words ',
          'content-type': 'text/plain',
          'user-agent': 'ua',
          date: 'Mon, 01 Jan 2026 12:00:00 GMT',
          'x-amz-date': '20000101T000000Z',
          host: 'elsewhere',
          'x-a': '1',
        },
      }),
      '20260101T120000Z',
      undefined,
    )
    expect(headers.signed).to.equal('content-type;host;x-a;x-amz-content-sha256;x-amz-date;x-b')
    expect(headers.lines).to.equal(
      'content-type:text/plain\n' +
        'host:search-d.eu-west-1.es.amazonaws.com\n' +
        'x-a:1\n' +
        `x-amz-content-sha256:${HASH}\n` +
        'x-amz-date:20260101T120000Z\n' +
        'x-b:two words\n',
    )
  })

  it('folds the values of SigV4 headers too (the host as given)', () => {
    const headers = canonicalHeaders(request({ host: ' a  b ' }), '20260101T120000Z', ' t ')
    expect(headers.lines).to.include('host:a b\n').and.to.include('x-amz-security-token:t\n')
  })
})
