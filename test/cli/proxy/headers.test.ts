import { expect } from 'chai'
import {
  clientResponseHeaders,
  endpointOrigins,
  redactedQuery,
  rewriteLocation,
  upstreamQuery,
  upstreamRequestHeaders,
} from '../../../lib/cli/proxy/headers'

describe('proxy: headers across the proxy', () => {
  it("drops the client's authentication, hop-by-hop headers and what the proxy sets itself", () => {
    const out = upstreamRequestHeaders({
      host: '127.0.0.1:9200',
      authorization: 'Basic dXNlcjpwYXNz',
      'x-amz-date': '20200101T000000Z',
      'x-amz-security-token': 'client-token',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-user-agent': 'something',
      connection: 'keep-alive, x-hop',
      'x-hop': 'named by Connection',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic eA==',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
      upgrade: 'h2c',
      'transfer-encoding': 'chunked',
      expect: '100-continue',
      'content-length': '12',
      cookie: 'security_authentication=abc',
      'osd-xsrf': 'true',
      'content-type': 'application/json',
      'accept-encoding': 'gzip',
      'x-opaque-id': 'trace-1',
    })
    expect(out).to.deep.equal({
      cookie: 'security_authentication=abc',
      'osd-xsrf': 'true',
      'content-type': 'application/json',
      'accept-encoding': 'gzip',
      'x-opaque-id': 'trace-1',
    })
  })

  it("leaves the client's own X-Amz-* query parameters out, and redacts their values in the log", () => {
    const query = 'q=a&X-Amz-Signature=abc123&size=1&x-amz-security-token=tok'
    expect(upstreamQuery(query)).to.equal('q=a&size=1')
    expect(redactedQuery(query)).to.equal(
      'q=a&X-Amz-Signature=<redacted>&size=1&x-amz-security-token=<redacted>',
    )
    expect(upstreamQuery('q=x-amz-a')).to.equal('q=x-amz-a')
    expect(redactedQuery('q=1')).to.equal('q=1')
  })

  it('drops hop-by-hop response headers, and those Connection names', () => {
    const out = clientResponseHeaders(
      {
        connection: 'keep-alive, x-upstream-hop',
        'keep-alive': 'timeout=5',
        'x-upstream-hop': '1',
        'transfer-encoding': 'chunked',
        'content-encoding': 'gzip',
        'set-cookie': ['a=1', 'b=2'],
        'content-type': 'application/json',
      },
      { endpointOrigins: [], endpointPrefix: '', proxyOrigin: 'http://127.0.0.1:9200' },
    )
    expect(out).to.deep.equal({
      'content-encoding': 'gzip',
      'set-cookie': ['a=1', 'b=2'],
      'content-type': 'application/json',
    })
  })

  describe('Location', () => {
    const origins = endpointOrigins(
      new URL('https://search-d-abc.eu-west-1.es.amazonaws.com'),
      undefined,
    )
    const rewrite = {
      endpointOrigins: origins,
      endpointPrefix: '',
      proxyOrigin: 'http://127.0.0.1:9200',
    }

    it('under the endpoint moves under the proxy, with or without the default port', () => {
      expect(
        rewriteLocation(
          'https://search-d-abc.eu-west-1.es.amazonaws.com/_dashboards/app/home#/',
          rewrite,
        ),
      ).to.equal('http://127.0.0.1:9200/_dashboards/app/home#/')
      expect(
        rewriteLocation('https://SEARCH-d-abc.eu-west-1.es.amazonaws.com:443/_dashboards', rewrite),
      ).to.equal('http://127.0.0.1:9200/_dashboards')
      expect(rewriteLocation('https://search-d-abc.eu-west-1.es.amazonaws.com', rewrite)).to.equal(
        'http://127.0.0.1:9200/',
      )
      expect(
        rewriteLocation('https://search-d-abc.eu-west-1.es.amazonaws.com?x=1', rewrite),
      ).to.equal('http://127.0.0.1:9200/?x=1')
    })

    it('relative, elsewhere, or a longer host that starts alike: left as it is', () => {
      for (const location of [
        '/_dashboards/app/home',
        'https://signin.aws.amazon.com/',
        'https://search-d-abc.eu-west-1.es.amazonaws.com.evil.example/x',
        'http://search-d-abc.eu-west-1.es.amazonaws.com/x',
      ]) {
        expect(rewriteLocation(location, rewrite)).to.equal(location)
      }
    })

    it("drops the endpoint's path prefix, and names the signing host as the endpoint too", () => {
      const tunnel = {
        endpointOrigins: endpointOrigins(
          new URL('https://localhost:8443/prod'),
          'search-d-abc.eu-west-1.es.amazonaws.com',
        ),
        endpointPrefix: '/prod',
        proxyOrigin: 'http://localhost:9200',
      }
      expect(rewriteLocation('https://localhost:8443/prod/_dashboards', tunnel)).to.equal(
        'http://localhost:9200/_dashboards',
      )
      expect(rewriteLocation('https://localhost:8443/prod', tunnel)).to.equal(
        'http://localhost:9200/',
      )
      expect(rewriteLocation('https://localhost:8443/production', tunnel)).to.equal(
        'http://localhost:9200/production',
      )
      expect(
        rewriteLocation('https://search-d-abc.eu-west-1.es.amazonaws.com/prod/x?y=1', tunnel),
      ).to.equal('http://localhost:9200/x?y=1')
    })
  })
})
