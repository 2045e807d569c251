import { expect } from 'chai'
import {
  bodySource,
  defaultContentType,
  isProblem,
  parseHeaderFlag,
  parseTargetUrl,
  requestHeaders,
  requestMethod,
  wireQuery,
  wirePath,
  type TargetUrl,
} from '../../lib/cli/curl'

function target(text: string): TargetUrl {
  const parsed = parseTargetUrl(text)
  if (isProblem(parsed)) throw new Error(parsed.problem)
  return parsed
}

describe('cli curl: the URL as typed', () => {
  it('keeps the path and query as typed: no dot-segment resolution, no re-encoding', () => {
    const t = target(
      'https://search-x.eu-west-1.es.amazonaws.com/idx/_doc/a%2Fb/../%2E?q=a:b c&x=%3D#frag',
    )
    expect(t.origin.href).to.equal('https://search-x.eu-west-1.es.amazonaws.com/')
    expect(t.path).to.equal('/idx/_doc/a%2Fb/../%2E')
    expect(t.query).to.equal('q=a:b c&x=%3D')
  })

  it('an empty path is /, a port is kept, the host is lower-cased', () => {
    const t = target('http://LOCALHOST:9200')
    expect(t.path).to.equal('/')
    expect(t.query).to.equal('')
    expect(t.origin.host).to.equal('localhost:9200')
  })

  it('refuses what cannot be sent, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['search-x.eu-west-1.es.amazonaws.com/', /with its scheme, e\.g\. https:\/\//],
      ['ftp://example.com/', /only http:\/\/ and https:\/\/ URLs/],
      ['https://user:pw@example.com/', /contains credentials/],
      ['https://exa mple.com/', /is not valid/],
      ['https:///path', /has no host|is not valid/],
    ]
    for (const [text, pattern] of cases) {
      const parsed = parseTargetUrl(text)
      expect(isProblem(parsed), text).to.equal(true)
      if (isProblem(parsed)) expect(parsed.problem, text).to.match(pattern)
    }
  })

  it('wirePath encodes only what a request line cannot carry', () => {
    expect(wirePath("/a-b_c.d~e!$&'()*+,;=:@/%2F")).to.equal("/a-b_c.d~e!$&'()*+,;=:@/%2F")
    expect(wirePath('/a b/ü/"<>')).to.equal('/a%20b/%C3%BC/%22%3C%3E')
    expect(wirePath('/100%/%zz/%4')).to.equal('/100%25/%25zz/%254')
    expect(wirePath('/😀')).to.equal('/%F0%9F%98%80')
  })
})

describe('cli curl: -d, -X and -H', () => {
  it('-d: @- is stdin, @FILE a file, anything else the text; --data-raw is always text', () => {
    expect(bodySource('@-')).to.deep.equal({ kind: 'stdin' })
    expect(bodySource('@docs.ndjson')).to.deep.equal({ kind: 'file', path: 'docs.ndjson' })
    expect(bodySource('{"a":1}')).to.deep.equal({ kind: 'literal', text: '{"a":1}' })
    expect(bodySource('@-', true)).to.deep.equal({ kind: 'literal', text: '@-' })
  })

  it('the method: GET, POST with a body, -X upper-cased; a non-token refused', () => {
    expect(requestMethod(undefined, false)).to.equal('GET')
    expect(requestMethod(undefined, true)).to.equal('POST')
    expect(requestMethod('put', true)).to.equal('PUT')
    expect(requestMethod('GET', true)).to.equal('GET')
    expect(isProblem(requestMethod('GE T', false))).to.equal(true)
  })

  it("-H: 'Name: value' sets, 'Name:' removes, 'Name;' sends empty", () => {
    expect(parseHeaderFlag('X-Opaque-Id: abc: def')).to.deep.equal({
      name: 'X-Opaque-Id',
      value: 'abc: def',
    })
    expect(parseHeaderFlag('Content-Type:')).to.deep.equal({ name: 'Content-Type', remove: true })
    expect(parseHeaderFlag('X-Empty;')).to.deep.equal({ name: 'X-Empty', value: '' })
    for (const bad of ['nonsense', ': v', 'Bad Name: v', 'X;y']) {
      expect(isProblem(parseHeaderFlag(bad)), bad).to.equal(true)
    }
  })

  it('-H refuses the headers the signature sets', () => {
    for (const name of [
      'Host',
      'authorization',
      'X-Amz-Date',
      'x-amz-content-sha256',
      'X-Amz-Security-Token',
    ]) {
      const parsed = parseHeaderFlag(`${name}: x`)
      expect(isProblem(parsed), name).to.equal(true)
      if (isProblem(parsed)) expect(parsed.problem).to.include('the SigV4 signature sets')
    }
  })

  it('a body defaults to application/x-ndjson for the NDJSON APIs, else application/json', () => {
    for (const path of [
      '/_bulk',
      '/logs/_bulk',
      '/_bulk/',
      '/_msearch',
      '/logs/_msearch/template',
      '/_monitoring/bulk',
      '/_ml/anomaly_detectors/job-1/_data',
      '/_text_structure/find_structure',
      '/logs/_fleet/_fleet_msearch',
    ]) {
      expect(defaultContentType(path), path).to.equal('application/x-ndjson')
    }
    for (const path of ['/', '/logs/_doc/_bulk-id/x', '/_search', '/bulk', '/logs/_doc/1']) {
      expect(defaultContentType(path), path).to.equal('application/json')
    }
  })

  it('headers: defaults, then each -H in order; a name in any case replaces, removal removes', () => {
    const headers = requestHeaders({ 'content-type': 'application/json' }, [
      { name: 'Content-Type', value: 'text/plain' },
      { name: 'X-A', value: '1' },
      { name: 'x-a', value: '2' },
      { name: 'X-B', value: '3' },
      { name: 'x-b', remove: true },
    ])
    expect(headers).to.deep.equal({ 'content-type': 'text/plain', 'x-a': '2' })
  })
})

describe('cli curl: the query on the wire', () => {
  it('is the query as typed, in its order, with only what a request line cannot carry encoded', () => {
    expect(wireQuery('v')).to.equal('v')
    expect(wireQuery('b=2&a=1&a=0&v')).to.equal('b=2&a=1&a=0&v')
    expect(wireQuery('q=msg:(hel* OR "x") !y')).to.equal('q=msg:(hel*%20OR%20%22x%22)%20!y')
    expect(wireQuery('q=tag:a%3D&h=index,docs.count')).to.equal('q=tag:a%3D&h=index,docs.count')
    expect(wireQuery('q=ü')).to.equal('q=%C3%BC')
    // `+` means a space to the engines and the signer: sent so that AWS cannot read a plus.
    expect(wireQuery('q=a+b')).to.equal('q=a%20b')
    expect(wireQuery('q=100%')).to.equal('q=100%25')
  })
})
