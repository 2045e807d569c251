import { expect } from 'chai'
import { canonicalHeaders } from '../../lib/sigv4/canonical-headers'
import { canonicalRequest } from '../../lib/sigv4/canonical-request'
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

describe('canonical-request: the whole', () => {
  it('method, URI, query, headers, a blank line, signed names, payload hash', () => {
    const req = request()
    const headers = canonicalHeaders(req, '20260101T120000Z', undefined)
    expect(canonicalRequest(req, headers)).to.equal(
      'POST\n/events/_doc/a%252Fb\nrefresh=true\n' + `${headers.lines}\n${headers.signed}\n${HASH}`,
    )
  })
})
